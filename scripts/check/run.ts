// `lorakit check <file.js...>`: prints one line per finding, a one-line summary when
// every file is clean; exit 1 on any finding or unreadable file.
import { readFile } from 'node:fs/promises';
import { checkSource, formatFindings } from './profile.ts';

export interface CheckIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CheckIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function readReason(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return typeof code === 'string' ? code : 'unreadable';
}

/** Checks each file; resolves to the exit code (0 all clean, 1 otherwise). */
export async function runCheck(files: string[], io: CheckIo = processIo): Promise<number> {
  let failed = false;
  let findings = 0;
  for (const file of files) {
    let code: string;
    try {
      code = await readFile(file, 'utf8');
    } catch (e) {
      io.err(`lorakit: cannot read ${file}: ${readReason(e)}`);
      failed = true;
      continue;
    }
    const found = checkSource(code);
    findings += found.length;
    for (const line of formatFindings(file, found)) io.out(line);
  }
  if (findings > 0) {
    io.err(`${findings} finding${findings === 1 ? '' : 's'}`);
    return 1;
  }
  if (failed) return 1;
  io.out(`${files.length} file${files.length === 1 ? '' : 's'} ok`);
  return 0;
}
