#!/usr/bin/env node
// Entry of the `lorakit` CLI. The toolkit is written in TypeScript; tsx's loader
// lets Node run it directly, so there is no separate compile step for the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
