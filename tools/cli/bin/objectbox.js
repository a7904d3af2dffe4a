#!/usr/bin/env node
// The `objectbox` command. ObjectBox targets Node.js 24: the workspace installs it as the `node`
// devDependency, so npm scripts and `npx objectbox` already run on it. When started by an older
// system Node.js (a direct path, a global link), re-run this script on the workspace's Node.js,
// forwarding signals so Ctrl+C and SIGTERM still stop it cleanly; refuse clearly if there is none.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 22) {
  await import('../dist/main.js');
} else {
  let workspaceNode;
  try {
    workspaceNode = createRequire(import.meta.url).resolve('node/bin/node');
  } catch {
    workspaceNode = undefined;
  }
  if (workspaceNode === undefined || !existsSync(workspaceNode)) {
    process.stderr.write(`objectbox: Node.js ${process.versions.node} is too old; ObjectBox needs Node.js 22 or newer (24 recommended). Run \`npm install\` in the workspace, then \`npx objectbox\`.\n`);
    process.exit(1);
  }
  const child = spawn(workspaceNode, [new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}
