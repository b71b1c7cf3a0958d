// `node --import ./scripts/ts-register.mjs file.ts` runs a TypeScript file of this
// repository (see ts-hooks.mjs); stack traces point into the .ts sources.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
process.setSourceMapsEnabled(true);
