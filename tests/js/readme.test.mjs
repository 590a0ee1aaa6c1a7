// Runs every `// example:` code block of README.md, as a file of the scratch project where the
// tarball is installed, against the sandbox. A README example that breaks fails here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, scratch, sandbox, KEY } from './helpers.mjs';

const run = promisify(execFile);
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```js\n\/\/ example: (.+)\n([\s\S]*?)```/g)].map((m) => ({ name: m[1], code: m[2] }));

let sb;
before(async () => {
  sb = await sandbox();
});
after(() => sb.close());

test('README has one example per endpoint and the CSV parser', () => {
  const names = examples.map((e) => e.name);
  for (const n of ['used codes', 'used codes csv', 'voucher order', 'reissues', 'subaccount orders', 'csv', 'commonjs']) {
    assert.ok(names.includes(n), `missing example "${n}"`);
  }
});

for (const [i, { name, code }] of examples.entries()) {
  test(`README example runs: ${name}`, async () => {
    const cjs = /\brequire\(/.test(code);
    const file = join(scratch, `readme-example-${i}.${cjs ? 'cjs' : 'mjs'}`);
    writeFileSync(file, code);
    const { stdout } = await run(process.execPath, [file], {
      cwd: scratch,
      env: { ...process.env, DIGICERT_API_KEY: KEY, CERTCENTRAL_BASE_URL: sb.baseUrl },
      timeout: 60000,
    });
    if (!cjs) assert.notEqual(stdout.trim(), '', 'the example prints its result');
    assert.doesNotMatch(stdout, /undefined|NaN/);
    if (name === 'csv') assert.match(stdout, /true\s*$/);
    if (name === 'voucher order') assert.match(stdout, /http 404 not_found/);
  });
}
