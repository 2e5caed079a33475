/**
 * What every `modelship <command>` shares: exit codes, output, and the usage error a command
 * throws for arguments it cannot use.
 */

/** Exit codes of the `modelship` CLI. */
export enum ExitCode {
  /** Done. */
  OK = 0,
  /** The command ran and found problems (a directory it refuses to fill, a model that does not fit). */
  PROBLEMS = 1,
  /** The command line itself is wrong (unknown command or option, missing value). */
  USAGE = 2,
}

/** Where a command writes and what it runs in; tests pass their own. */
export interface CliContext {
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Version of the modelship package running the command. */
  readonly version: string;
  out(line: string): void;
  err(line: string): void;
}

/** A subcommand of `modelship`. */
export interface Command {
  /** The word after `modelship`. */
  readonly name: string;
  /** One line for `modelship --help`. */
  readonly summary: string;
  /** The full `modelship <name> --help` text. */
  readonly help: string;
  /** Runs the command on its arguments (everything after its name). */
  run(args: string[], context: CliContext): ExitCode;
}

/** Thrown by a command for a command line it cannot use: exit code 2, with the message and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
