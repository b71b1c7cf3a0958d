// Module hooks that let Node run the toolkit's TypeScript sources directly: every
// `.ts` file is stripped of its types by esbuild's transform (one file at a time,
// no type checking: `npm run typecheck` does that) and loaded as an ES module.
// Why not tsx: it always compiles with esbuild's keepNames, which wraps every
// named function and arrow in a defineProperty call each time it is created; the
// fleet simulator creates closures on every event, and that cost 10-15% of its
// throughput (docs/BENCHMARKS.md). Imports name their `.ts` files explicitly, so
// Node's own resolver finds them and only loading needs a hook.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcemap: 'inline',
    sourcefile: file,
  });
  return { format: 'module', source: code, shortCircuit: true };
}
