// Errors of fleet definitions: one readable line that names the file and the path of
// the bad field, e.g. `fleet.yaml: groups[2].placement.random.radius: expected a
// positive number, got -5`. Zod issues are turned into that form here.
import type { core } from 'zod';

/** A bad fleet definition. `field` is the path of the offending field ('' for the whole file). */
export class FleetError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly detail: string,
    /** Every problem found, one line each (the message is the first). */
    readonly problems: string[] = [],
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'FleetError';
    if (this.problems.length === 0) this.problems = [this.message];
  }
}

/** `groups[2].placement.radius` from ['groups', 2, 'placement', 'radius']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/** A short rendering of a bad value for an error line (strings quoted, long values cut). */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

function bound(origin: string, inclusive: boolean | undefined, limit: number | bigint, small: boolean): string {
  if (origin === 'array' || origin === 'set') return `expected ${small ? 'at least' : 'at most'} ${limit} item${Number(limit) === 1 ? '' : 's'}`;
  if (origin === 'string') return `expected ${small ? 'at least' : 'at most'} ${limit} characters`;
  if (small && Number(limit) === 0) return inclusive ? 'expected a number >= 0' : 'expected a positive number';
  return `expected a number ${small ? '>' : '<'}${inclusive ? '=' : ''} ${limit}`;
}

const ARTICLE: Record<string, string> = { int: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', array: 'a list', object: 'an object', tuple: 'a list' };

/** The message of one zod issue, without its path. */
function issueMessage(issue: core.$ZodIssue): { message: string; extraPath: PropertyKey[] } {
  const input = (issue as { input?: unknown }).input;
  const got = `, got ${showValue(input)}`;
  switch (issue.code) {
    case 'invalid_type':
      return { message: `expected ${ARTICLE[issue.expected] ?? issue.expected}${got}`, extraPath: [] };
    case 'too_small':
      return { message: bound(issue.origin, issue.inclusive, issue.minimum, true) + (typeof input === 'number' ? got : ''), extraPath: [] };
    case 'too_big':
      return { message: bound(issue.origin, issue.inclusive, issue.maximum, false) + (typeof input === 'number' ? got : ''), extraPath: [] };
    case 'invalid_value':
      return { message: `expected one of ${issue.values.map((v) => String(v)).join(', ')}${got}`, extraPath: [] };
    case 'unrecognized_keys': {
      // custom object errors (see `obj` in schema-parts.ts) list the allowed keys
      const allowed = issue.message.startsWith('allowed: ') ? ` (allowed: ${issue.message.slice(9)})` : '';
      return { message: `unknown field${allowed}`, extraPath: [issue.keys[0] as string] };
    }
    default:
      return { message: issue.message, extraPath: [] };
  }
}

/** True when a union branch failed at its root because the value has the wrong type. */
function wrongType(branch: readonly core.$ZodIssue[]): boolean {
  const first = branch[0];
  return !first || (first.path.length === 0 && (first.code === 'invalid_type' || first.code === 'invalid_value'));
}

/** What a union branch wanted, for "expected a or b" lines. */
function wanted(branch: readonly core.$ZodIssue[]): string {
  const first = branch[0];
  if (first?.code === 'invalid_value') return first.values.map((v) => String(v)).join(', ');
  if (first?.code === 'invalid_type') return ARTICLE[first.expected] ?? first.expected;
  return 'another form';
}

/** Every issue as `path: message`, in zod's order; a union reports the branch that matched the value's type. */
export function issueLines(issues: readonly core.$ZodIssue[], prefix: readonly PropertyKey[] = []): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const matching = issue.errors.filter((b) => !wrongType(b));
      if (matching.length === 1) {
        out.push(...issueLines(matching[0] as core.$ZodIssue[], path));
        continue;
      }
      const input = (issue as { input?: unknown }).input;
      out.push({ field: formatPath(path), message: `expected ${issue.errors.map(wanted).join(' or ')}, got ${showValue(input)}` });
      continue;
    }
    const m = issueMessage(issue);
    out.push({ field: formatPath([...path, ...m.extraPath]), message: m.message });
  }
  return out;
}

/** A FleetError for the first issue (all of them in `problems`). */
export function fleetErrorFromIssues(file: string, issues: readonly core.$ZodIssue[]): FleetError {
  const lines = issueLines(issues);
  const first = lines[0] ?? { field: '', message: 'invalid fleet definition' };
  const all = lines.map((l) => `${file}: ${l.field ? `${l.field}: ` : ''}${l.message}`);
  return new FleetError(file, first.field, first.message, all);
}
