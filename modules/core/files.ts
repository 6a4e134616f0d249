/**
 * Writing files so that each is either the old file or the whole new one, never half of it.
 * Shared by the CLI and the generator, so it imports neither.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface FileToWrite {
  readonly path: string;
  readonly content: string | Uint8Array;
  /** Permission bits. @default - those of the file it replaces, else 0666 less the umask */
  readonly mode?: number;
  /**
   * Flush the data to disk before the rename, so that even a power cut cannot leave the new name
   * on empty blocks. For files only the user has (the config); generated output can be written
   * again, and a flush per file costs more than the whole `generate` budget on some disks.
   * @default false
   */
  readonly durable?: boolean;
}

/** A write that failed, naming the file it was for (Node's error names the temporary file, or none). */
export class FileWriteError extends Error {
  constructor(readonly path: string, readonly failure: NodeJS.ErrnoException) {
    super(`${path}: ${failure.message}`, { cause: failure });
    this.name = 'FileWriteError';
  }
}

/** Writes one file atomically: see writeFilesAtomic. */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: Pick<FileToWrite, 'mode' | 'durable'> = {}): void {
  writeFilesAtomic([{ path, content, ...options }]);
}

/**
 * Writes every file to a temporary file beside it first, and only when all of them are complete
 * renames them over their targets. A rename within one directory replaces the target in one step,
 * so a full disk or a killed process leaves the old files byte for byte. On failure the temporary
 * files are removed and a FileWriteError is thrown.
 */
export function writeFilesAtomic(files: readonly FileToWrite[]): void {
  const staged: { temp: string; target: string }[] = [];
  let current = '';
  try {
    for (const file of files) {
      current = followSymlink(file.path);
      staged.push({ temp: stage(current, file), target: current });
    }
    for (const { temp, target } of staged) {
      current = target;
      renameSync(temp, target);
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw new FileWriteError(current, error as NodeJS.ErrnoException);
  }
}

/** Writes the content to a new temporary file in the target's directory; returns its path. */
function stage(target: string, file: FileToWrite): string {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = file.mode ?? existingMode(target);
  // 'wx': never write through a file someone else put at the temporary name.
  const fd = openSync(temp, 'wx');
  try {
    try {
      if (mode !== undefined) fchmodSync(fd, mode);
      writeAll(fd, typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content);
      if (file.durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return temp;
}

/** writeSync may write less than asked (a full disk reports ENOSPC only on the next call). */
function writeAll(fd: number, data: Uint8Array): void {
  for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset, data.length - offset);
}

/** A symlinked file (a dotfiles set-up) stays a symlink: the file it points to is replaced. */
function followSymlink(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    return path;
  }
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}
