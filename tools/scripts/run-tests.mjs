#!/usr/bin/env node
// Runs every compiled test with node's test runner, unit tests first, then e2e tests.
// Unit and integration tests are `*.spec.ts` next to the code they test (compiled to dist/);
// e2e tests are `e2e/src/**/*.e2e.ts`. Usage: run-tests.mjs [--only unit|e2e] [name-filter ...]
// The node test runner prints the summary CI reads (`# pass N`, `# fail N`).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex === -1 ? undefined : args[onlyIndex + 1];
const filters = args.filter((arg, index) => index !== onlyIndex && index !== onlyIndex + 1);

function collect(dir, suffix, found = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, suffix, found);
    else if (name.endsWith(suffix) && path.includes('/dist/')) found.push(relative(root, path));
  }
  return found;
}

const projectRoots = ['libs', 'services', 'control-plane', 'tools'].map((dir) => join(root, dir));
const unit = projectRoots.flatMap((dir) => collect(dir, '.spec.js'));
const e2e = collect(join(root, 'e2e'), '.e2e.js');
const selected = [...(only === 'e2e' ? [] : unit), ...(only === 'unit' ? [] : e2e)].filter(
  (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
);
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...selected], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
