import type { Command } from 'commander';

/** A subcommand of the `lorakit` CLI: `register` adds it to the program. */
export interface CommandModule {
  name: string;
  /** Adds the subcommand; `setExit` records the exit code the CLI returns. */
  register(program: Command, setExit: (code: number) => void): void;
}

/** An error meant for the user: printed as one line `lorakit: <message>`, exit code as given. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
