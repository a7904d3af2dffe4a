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
const heapLimitSet = flagSet(heapFlag);
const memoryBytes = Math.min(totalmem(), process.constrainedMemory?.() || Infinity);
const heapLimitMiB = Math.floor((memoryBytes * 0.75) / 2 ** 20);
const raiseHeap = serviceCommands.has(process.argv[2]) && !heapLimitSet && heapLimitMiB > getHeapStatistics().heap_size_limit / 2 ** 20;

// The cache keeps its keys off the V8 heap (libs/cache/core/src/cache-key-table.ts), so V8's own
// reserves are most of what it holds beyond them, and the raised heap limit lets V8 grow the young
// generation to two 64 MiB semi-spaces, all of it resident once used. Its garbage is per request,
// so small semi-spaces cost it nothing measurable (redis-benchmark -P 16, alternating, no change)
// and cut the RSS growth of 1,000,000 small keys from ~170 to ~95-135 MiB. A fixed glibc mmap
// threshold keeps that range narrow (91-96 MiB): the key table frees its old columns and arena
// each time it doubles them, and glibc's dynamic threshold would otherwise serve the next ones
// from its heap, where freed space is rarely returned to the OS.
const semiSpaceFlag = '--max-semi-space-size';
const startedService = process.argv[2] === 'start' ? serviceArgumentOf(process.argv.slice(3)) : undefined;
const tuneForCache = startedService === 'cache' && !flagSet(semiSpaceFlag);
// The cluster manager's Raft group keeps every put alive for seconds (the log until the next
// snapshot, the registry's value), so each scavenge of V8's default 32 MiB semi-spaces copied
// 10-14 MB (raft-kv c=64: pauses of 20-90 ms on the shared cores), and full GCs' pauses were
// mostly evacuating that young generation: the puts' p99. 16 MiB semi-spaces were ahead in 6 of 9
// alternating pairs (2026-12-01), clearly only on a saturated machine (load 9-11: puts/s 2,863 ->
// 4,083, 2,643 -> 5,485, 1,747 -> 4,512; p99 153 -> 107, 160 -> 84, 205 -> 99 ms); at load 5-6 the
// pairs were within the noise (5,894 -> 5,402, 5,658 -> 6,394, 5,363 -> 5,568). 8 MiB: no difference seen.
const tuneForRaft = startedService === 'cluster-manager' && !flagSet(semiSpaceFlag);
const semiSpaceMiB = tuneForCache ? 8 : tuneForRaft ? 16 : undefined;
const extraFlags = [...(raiseHeap ? [`${heapFlag}=${heapLimitMiB}`] : []), ...(semiSpaceMiB === undefined ? [] : [`${semiSpaceFlag}=${semiSpaceMiB}`])];
const extraEnv = tuneForCache && process.env.MALLOC_MMAP_THRESHOLD_ === undefined ? { MALLOC_MMAP_THRESHOLD_: String(128 * 1024) } : {};

/** Whether `flag` was given to this Node.js, on its command line or in NODE_OPTIONS. */
function flagSet(flag) {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((given) => given.startsWith(flag));
}

/** The positional argument of `objectbox start [options] <service>`: the first one that is not an option or its value. */
function serviceArgumentOf(args) {
  const optionsWithValues = new Set(['--id', '--peers', '--http-port', '--grpc-port', '-c', '--config', '-d', '--data-dir', '--host', '--log-level']);
  for (let index = 0; index < args.length; index++) {
    if (optionsWithValues.has(args[index])) index++;
    else if (!args[index].startsWith('-')) return args[index];
  }
  return undefined;
}

/** Runs this script again on `node` with `flags`, forwarding signals and the exit status. */
function rerun(node, flags) {
  const child = spawn(node, [...flags, new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
}

if (major >= 22 && extraFlags.length > 0 && typeof process.execve === 'function') {
  // execve(2), not a child: the PID stays the service's, so a supervisor's signals (SIGKILL too) reach it.
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...extraFlags, new URL(import.meta.url).pathname, ...process.argv.slice(2)], { ...process.env, ...extraEnv });
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
