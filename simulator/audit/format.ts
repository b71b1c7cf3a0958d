// Human wording for the auditor's violations: simulation times and durations.

const DAY_MS = 86400000;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * A simulation time (ms since the run started) as a clock reading: "10:00:03",
 * "10:00:03.250" when it has a fraction of a second, "day 2 10:00:03" from the second day on.
 */
export function clock(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const neg = ms < 0;
  const totalUs = Math.round(Math.abs(ms) * 1000);
  const day = Math.floor(totalUs / (DAY_MS * 1000));
  const inDayUs = totalUs - day * DAY_MS * 1000;
  const whole = Math.floor(inDayUs / 1e6);
  const us = inDayUs - whole * 1e6;
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  let text = `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  if (us > 0) {
    const digits = String(us).padStart(6, '0');
    text += `.${digits.endsWith('000') ? digits.slice(0, 3) : trimZeros(digits)}`;
  }
  if (day > 0) text = `day ${day + 1} ${text}`;
  return neg ? `-${text}` : text;
}

function trimZeros(s: string): string {
  let e = s.length;
  while (e > 1 && s[e - 1] === '0') e--;
  return s.slice(0, e);
}

/** `ms` in seconds with up to 3 decimals ("37.4 s"); more decimals when 3 would hide a difference from `versus`. */
export function seconds(ms: number, versus?: number): string {
  const fmt = (x: number, d: number): string => {
    const t = (x / 1000).toFixed(d);
    return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
  };
  let d = 3;
  let text = fmt(ms, d);
  if (versus !== undefined && ms !== versus) {
    while (d < 9 && text === fmt(versus, d)) text = fmt(ms, ++d);
  }
  return `${text} s`;
}

/** A duty-cycle fraction as a percentage: 0.01 -> "1%", 0.001 -> "0.1%". */
export function percent(fraction: number): string {
  const p = Math.round(fraction * 100 * 1e6) / 1e6;
  return `${p}%`;
}

/** Frequency in MHz: 868100000 -> "868.1 MHz". */
export function mhz(hz: number): string {
  return `${Math.round(hz / 1000) / 1000} MHz`;
}
