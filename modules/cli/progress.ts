/** The progress line of the commands that wait on AWS or ICA (doctor, preflight, connect). */

/** Where a progress indicator may write: a terminal, never a pipe or a file. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A one-line progress indicator ("⠋ checking bucket acme-ica-data ...") that rewrites itself on a
 * terminal and stays silent elsewhere; `done` clears the line. `verb` leads every step's text.
 */
export function createProgress(stream: ProgressStream, verb = 'checking'): { step(text: string): void; done(): void } {
  if (!stream.isTTY) return { step: () => undefined, done: () => undefined };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let count = 0;
  return {
    step(text: string) {
      count += 1;
      stream.write(`\r\x1b[K${frames[count % frames.length]} ${verb ? `${verb} ` : ''}${text} ...`);
    },
    done() {
      if (count > 0) stream.write('\r\x1b[K');
    },
  };
}

/** Runs `work` with a progress line on `stream` (none when `quiet`, as with --json), cleared when it ends. */
export async function withProgress<T>(
  quiet: boolean, work: (step: (text: string) => void) => Promise<T>, stream: ProgressStream = process.stderr, verb = 'checking',
): Promise<T> {
  const progress = createProgress(quiet ? { write: () => undefined } : stream, verb);
  try {
    return await work(progress.step);
  } finally {
    progress.done();
  }
}
