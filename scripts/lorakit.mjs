#!/usr/bin/env node
// Entry of the `lorakit` CLI. The toolkit is written in TypeScript; ts-hooks.mjs
// strips the types as Node loads each file, so there is no separate compile step.
import './ts-register.mjs';

const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
