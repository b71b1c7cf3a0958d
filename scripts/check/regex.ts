// Scans a regular-expression pattern for the features Espruino's matcher silently gets
// wrong (ESPRUINO.md: lookahead, `?`, `{n,m}`, lazy quantifiers, `(?:`, `\b` never match).
// A small hand-written scanner: escapes and character classes are skipped correctly, so
// `\?`, `[?{]` and `\b` inside a class (backspace) are not reported.

const ALLOWED_FLAGS = 'gim';
const COUNTED = /^\{\d+(,\d*)?\}/;

/** Construct names for every unsupported feature in the pattern and flags (each once, in order). */
export function regexIssues(pattern: string, flags: string): string[] {
  const found: string[] = [];
  const add = (c: string): void => {
    if (!found.includes(c)) found.push(c);
  };
  let inClass = false;
  let afterQuantifier = false; // the previous token was a quantifier (so `?` makes it lazy)
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && (next === 'b' || next === 'B')) add('RegExp \\b word boundary');
      if (!inClass && next === 'k' && pattern[i + 2] === '<') add('RegExp named group');
      i += 2;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      i++;
      continue;
    }
    let quantifier = false;
    if (ch === '[') {
      inClass = true;
    } else if (ch === '(' && pattern[i + 1] === '?') {
      const a = pattern[i + 2];
      const b = pattern[i + 3];
      if (a === ':') add('RegExp non-capturing group (?:');
      else if (a === '=' || a === '!') add('RegExp lookahead');
      else if (a === '<' && (b === '=' || b === '!')) add('RegExp lookbehind');
      else if (a === '<') add('RegExp named group');
      i += 2; // skip "(?" so its "?" is not read as a quantifier
      afterQuantifier = false;
      continue;
    } else if (ch === '?') {
      add(afterQuantifier ? 'RegExp lazy quantifier' : 'RegExp ? quantifier');
      quantifier = !afterQuantifier;
    } else if (ch === '*' || ch === '+') {
      quantifier = true;
    } else if (ch === '{') {
      const m = COUNTED.exec(pattern.slice(i, i + 24));
      if (m) {
        add('RegExp {n,m} quantifier');
        i += m[0].length;
        afterQuantifier = true;
        continue;
      }
    }
    afterQuantifier = quantifier;
    i++;
  }
  for (const f of flags) {
    if (!ALLOWED_FLAGS.includes(f)) add(`RegExp flag ${f}`);
  }
  return found;
}
