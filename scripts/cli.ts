// The `lorakit` command line. Each subcommand lives in scripts/commands/<name>.ts
// and exports `command: CommandModule`; its heavy implementation is imported only
// when the subcommand runs, so `lorakit --help` stays fast.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { CliError, type CommandModule } from './commands/types.ts';

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

async function loadCommands(): Promise<CommandModule[]> {
  const files = readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && f !== 'types.ts').sort();
  const mods: CommandModule[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(commandsDir, f)).href)) as { command?: CommandModule };
    if (mod.command) mods.push(mod.command);
  }
  return mods;
}

/** Runs the CLI and resolves to the process exit code. Errors are one readable line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('lorakit')
    .description('LoRaWAN sensor-node toolkit: Espruino firmware, payload codecs, fleet simulator')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let exitCode = 0;
  for (const mod of await loadCommands()) {
    mod.register(program, (code) => {
      exitCode = code;
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors exit 2 (bad input)
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`lorakit: ${err.message}\n`);
      return err.exitCode;
    }
    const msg = err instanceof Error ? err.message : String(err);
    process.stderr.write(`lorakit: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}
