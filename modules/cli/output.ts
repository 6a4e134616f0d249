/** Where a command writes; tests pass a recorder instead of the process streams. */
export interface Output {
  log(text: string): void;
  error(text: string): void;
}

export const processOutput: Output = {
  log: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};
