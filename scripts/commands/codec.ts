import { type CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'codec',
  register(program) {
    const codec = program.command('codec').description('payload schemas: describe, export a TS013 codec');
    codec
      .command('list')
      .description('the applications that have a payload schema')
      .action(async () => {
        const { appNames } = await import('../../codecs/apps/index.ts');
        process.stdout.write(appNames().join('\n') + '\n');
      });
    codec
      .command('describe')
      .description("each payload's fPort and version, every field's name, unit, min, max, resolution and bits")
      .argument('<app>', 'application schema, e.g. env-monitor')
      .option('--json', 'machine-readable output')
      .action(async (app: string, opts: { json?: boolean }) => {
        const { runDescribe } = await import('../codec/cli-impl.ts');
        process.stdout.write(runDescribe(app, !!opts.json) + '\n');
      });
    codec
      .command('export')
      .description('write <app>.js (TS013 codec for The Things Stack and ChirpStack) and <app>.codec.yaml (TTN device repository)')
      .argument('<app>', 'application schema, e.g. env-monitor')
      .requiredOption('--out <dir>', 'output directory')
      .action(async (app: string, opts: { out: string }) => {
        const { writeExport } = await import('../codec/cli-impl.ts');
        for (const f of writeExport(app, opts.out)) process.stdout.write(f + '\n');
      });
  },
};
