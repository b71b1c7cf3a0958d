// The Espruino syntax-profile checker: parses JavaScript with acorn and reports every
// construct that ../shared/ESPRUINO.md says breaks (outright or silently) on Espruino.
// One AST walk (walker.ts) plus scope resolution (semantic.ts). Rules: docs/CHECK.md.
import { parse, type Node, type Options, type Program } from 'acorn';
import { semanticFindings } from './semantic.ts';
import { Walker, type RawFinding } from './walker.ts';

export interface Finding {
  line: number;
  /** 1-based. */
  column: number;
  construct: string;
}

interface AcornError {
  message: string;
  pos: number;
  loc?: { line: number; column: number };
}

function isAcornError(e: unknown): e is AcornError {
  return e instanceof SyntaxError && typeof (e as unknown as AcornError).pos === 'number';
}

function parseEither(code: string): Program | AcornError {
  const opts = (sourceType: 'script' | 'module'): Options => ({ ecmaVersion: 'latest', sourceType, locations: true });
  let scriptError: AcornError;
  try {
    return parse(code, opts('script'));
  } catch (e) {
    if (!isAcornError(e)) throw e;
    scriptError = e;
  }
  try {
    return parse(code, opts('module'));
  } catch (e) {
    if (!isAcornError(e)) throw e;
    // report the error of whichever parse got further
    return e.pos > scriptError.pos ? e : scriptError;
  }
}

function toFinding(r: RawFinding): Finding {
  const start = (r.at as Node).loc?.start;
  return { line: start?.line ?? 1, column: (start?.column ?? 0) + 1, construct: r.construct };
}

/** Every Espruino-incompatible construct in `code`, sorted by position; never throws on bad input. */
export function checkSource(code: string): Finding[] {
  const ast = parseEither(code);
  if (!('type' in ast)) {
    const msg = ast.message.replace(/\s*\(\d+:\d+\)$/, '');
    return [{ line: ast.loc?.line ?? 1, column: (ast.loc?.column ?? 0) + 1, construct: `syntax error: ${msg}` }];
  }
  const walker = new Walker();
  walker.program(ast);
  const all = walker.findings.concat(semanticFindings(walker)).map(toFinding);
  all.sort((a, b) => a.line - b.line || a.column - b.column || (a.construct < b.construct ? -1 : a.construct > b.construct ? 1 : 0));
  const out: Finding[] = [];
  for (const f of all) {
    const last = out[out.length - 1];
    if (!last || last.line !== f.line || last.column !== f.column || last.construct !== f.construct) out.push(f);
  }
  return out;
}

/** One line per finding: `file:line:col  construct`. */
export function formatFindings(file: string, findings: Finding[]): string[] {
  return findings.map((f) => `${file}:${f.line}:${f.column}  ${f.construct}`);
}
