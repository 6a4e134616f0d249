import { Output } from './output';

/** One `ica-s3` subcommand. */
export interface Command {
  /** One line for the command list of `ica-s3 --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Runs the command; resolves to the exit status. */
  run(args: string[], out: Output): Promise<number>;
}
