/**
 * Goal: prove the lint rules that keep the layering (STYLE.md §1) and the purity of cores can
 * fail. Method: lint planted violations as if they were files of real projects, with the
 * repository's own ESLint config and Nx project graph, and expect each to be reported.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ESLint } from 'eslint';

const root = new URL('../../..', import.meta.url).pathname;
process.env['NX_DAEMON'] = 'false';
const eslint = new ESLint({ cwd: root });

// The Nx rule reads the cached project graph and silently skips itself without one (it only
// prints a warning), so compute the graph first, as `npm run lint` does.
before(() => {
  execFileSync(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { cwd: root, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
});

async function ruleIdsOf(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'fatal'}: ${message.message}`);
}

const cases: Array<{ name: string; file: string; code: string; expect: RegExp }> = [
  { name: 'a core imports NestJS', file: 'libs/consensus/core/src/planted.ts', code: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", expect: /enforce-module-boundaries|no-restricted-imports/ },
  { name: 'a core imports a runtime lib', file: 'libs/consensus/core/src/planted.ts', code: "import { GrpcServer } from '@objectbox/networking';\nexport const x = GrpcServer;\n", expect: /enforce-module-boundaries/ },
  { name: 'a core reads the clock', file: 'libs/storage/core/src/planted.ts', code: 'export const now = Date.now();\n', expect: /no-restricted-syntax/ },
  { name: 'a core draws randomness', file: 'libs/consensus/core/src/planted.ts', code: 'export const jitter = Math.random();\n', expect: /no-restricted-syntax/ },
  { name: 'a core sets a timer', file: 'libs/consensus/core/src/planted.ts', code: 'setTimeout(() => undefined, 1);\n', expect: /no-restricted-globals/ },
  { name: 'a core touches the file system', file: 'libs/storage/core/src/planted.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", expect: /no-restricted-imports/ },
  { name: 'a shared lib imports a service lib', file: 'libs/config/src/planted.ts', code: "import { ObjectStoreModule } from '@objectbox/object-store-nest';\nexport const x = ObjectStoreModule;\n", expect: /enforce-module-boundaries/ },
  { name: 'a lib reaches into a service by path', file: 'libs/platform/nest/src/planted.ts', code: "import '../../../../services/object-store/src/main.js';\n", expect: /enforce-module-boundaries/ },
  { name: 'one service imports another', file: 'libs/object-store/nest/src/planted.ts', code: "import { CacheModule } from '@objectbox/cache-nest';\nexport const x = CacheModule;\n", expect: /enforce-module-boundaries/ },
  { name: 'a runtime lib imports NestJS', file: 'libs/networking/src/planted.ts', code: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", expect: /enforce-module-boundaries/ },
];

for (const planted of cases) {
  test(`lint catches: ${planted.name}`, async () => {
    const messages = await ruleIdsOf(planted.file, planted.code);
    assert.ok(messages.some((message) => planted.expect.test(message)), `expected ${planted.expect}, got ${JSON.stringify(messages)}`);
  });
}

test('allowed imports pass: a service module importing the platform and a runtime lib importing util', async () => {
  assert.deepEqual(await ruleIdsOf('libs/object-store/nest/src/planted.ts', "import { ServiceHealth } from '@objectbox/platform-nest';\nexport const x = ServiceHealth;\n"), []);
  assert.deepEqual(await ruleIdsOf('libs/networking/src/planted.ts', "import { assert } from '@objectbox/util';\nexport const x = assert;\n"), []);
});
