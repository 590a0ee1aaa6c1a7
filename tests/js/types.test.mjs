// The shipped .d.ts, type-checked with `tsc --strict` from the scratch project where the
// tarball is installed: a correct consumer compiles, deliberate misuse does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, scratch } from './helpers.mjs';

const run = promisify(execFile);
const tsc = join(root, 'node_modules/.bin/tsc');
const FLAGS = ['--strict', '--noEmit', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom,esnext.disposable', '--skipLibCheck', 'false'];

async function check(file) {
  copyFileSync(join(root, 'tests/types', file), join(scratch, file));
  try {
    await run(tsc, [...FLAGS, file], { cwd: scratch });
    return '';
  } catch (e) {
    return e.stdout + e.stderr;
  }
}

test('a consumer that uses every entry point compiles under --strict', async () => {
  const out = await check('consumer.ts');
  assert.equal(out, '', out);
});

test('deliberate misuse fails to compile, on each marked line', async () => {
  const out = await check('misuse.ts');
  const source = readFileSync(join(root, 'tests/types/misuse.ts'), 'utf8').split('\n');
  const expected = source.map((l, i) => (/\S.*\/\/ error:/.test(l) && !l.trim().startsWith('//') ? i + 1 : 0)).filter(Boolean);
  const got = new Set([...out.matchAll(/misuse\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
  assert.ok(expected.length >= 10);
  for (const line of expected) assert.ok(got.has(line), `line ${line} should not compile: ${source[line - 1].trim()}\n${out}`);
  for (const line of got) assert.ok(expected.includes(line), `unexpected error on line ${line}\n${out}`);
});

// wasm-bindgen's raw export table (`InitOutput`, and `initSync`/default init that return it)
// is typed with `any`; index.d.ts does not export it, so it is cut out before the check.
test('the shipped typings have no `any` in the public surface', () => {
  const dir = join(scratch, 'node_modules/certcentral-wasm');
  const offenders = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(join(dir, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/export interface InitOutput \{[\s\S]*?\n\}/, '');
    for (const [i, line] of text.split('\n').entries()) if (/\bany\b/.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
  }
  assert.deepEqual(offenders, []);
});
