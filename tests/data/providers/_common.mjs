// Shared helpers for the gen_*.mjs generators and gen_crosscheck.mjs (Node >= 20, ESM).
// Packages are resolved from NODE_PATH: run with  NODE_PATH=/tmp/npm-vec/node_modules node <script>
import { createRequire } from 'node:module';
import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const NOW = 1767225600; // 2026-01-01T00:00:00Z, the same clock as _common.py
const base = process.env.NODE_PATH ? join(process.env.NODE_PATH.split(':')[0], '..', 'x.js') : import.meta.url;
export const require = createRequire(base);
export function pkgVersion(name) {
  const root = process.env.NODE_PATH.split(':')[0];
  return JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8')).version;
}
export function tamper(s) { const l = s[s.length - 1]; return s.slice(0, -1) + (l !== 'X' ? 'X' : 'Y'); }

// Freeze Date.now() and `new Date()` (no args) at `secs`.
const RealDate = Date;
export function freeze(secs) {
  const ms = secs * 1000;
  class FrozenDate extends RealDate {
    constructor(...a) { if (a.length === 0) super(ms); else super(...a); }
    static now() { return ms; }
  }
  globalThis.Date = FrozenDate;
}
export function unfreeze() { globalThis.Date = RealDate; }

export async function ok(fn) {
  try { const r = await fn(); return r === undefined ? true : Boolean(r); } catch { return false; }
}

export class Recorder {
  constructor(sender, source, generator) { this.sender = sender; this.doc = { source, generator, vectors: [] }; this.failures = 0; }
  add(v, sdkResult) {
    const out = { ...v };
    if (sdkResult === null) out.sdk_checked = false;
    else {
      out.sdk_checked = true;
      if (Boolean(sdkResult) !== v.valid) { this.failures++; console.log(`FAIL ${this.sender}/${v.name}: SDK says ${sdkResult}, recorded valid=${v.valid}`); }
    }
    this.doc.vectors.push(out);
  }
  write(file) {
    writeFileSync(join(HERE, file || `${this.sender}.json`), JSON.stringify(this.doc, null, 2) + '\n');
    console.log(`${this.sender}: wrote ${this.doc.vectors.length} vectors, ${this.failures} SDK disagreements`);
    if (this.failures) process.exitCode = 1;
  }
}
