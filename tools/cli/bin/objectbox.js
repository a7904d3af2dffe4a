#!/usr/bin/env node
// The `objectbox` command. ObjectBox targets Node.js 24: the workspace installs it as the `node`
// devDependency, so npm scripts and `npx objectbox` already run on it. When started by an older
// system Node.js (a direct path, a global link), re-run this script on the workspace's Node.js,
// forwarding signals so Ctrl+C and SIGTERM still stop it cleanly; refuse clearly if there is none.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

const major = Number(process.versions.node.split('.')[0]);

// The commands that run services hold the metadata state machines in the V8 heap (about 530 bytes
// per object in the object store: 10 million objects need ~5.3 GB), past V8's default limit of
// about 4 GiB. Run them with a heap limit of 3/4 of the memory this process may use (the cgroup's
// limit in a container), unless the user set one (--max-old-space-size in NODE_OPTIONS or flags).
const serviceCommands = new Set(['dev', 'start']);
const heapFlag = '--max-old-space-size';
const heapLimitSet = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((flag) => flag.startsWith(heapFlag));
const memoryBytes = Math.min(totalmem(), process.constrainedMemory?.() || Infinity);
const heapLimitMiB = Math.floor((memoryBytes * 0.75) / 2 ** 20);
const raiseHeap = serviceCommands.has(process.argv[2]) && !heapLimitSet && heapLimitMiB > getHeapStatistics().heap_size_limit / 2 ** 20;

/** Runs this script again on `node` with `flags`, forwarding signals and the exit status. */
function rerun(node, flags) {
  const child = spawn(node, [...flags, new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}

if (major >= 22 && raiseHeap && typeof process.execve === 'function') {
  // execve(2), not a child: the PID stays the service's, so a supervisor's signals (SIGKILL too) reach it.
  process.execve(process.execPath, [process.execPath, ...process.execArgv, `${heapFlag}=${heapLimitMiB}`, new URL(import.meta.url).pathname, ...process.argv.slice(2)]);
} else if (major >= 22) {
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
  rerun(workspaceNode, []);
}
