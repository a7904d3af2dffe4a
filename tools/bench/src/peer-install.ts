/**
 * Installs the benchmarks' peers from Debian when they are missing (the machine may be new):
 * `apt-get update && apt-get install -y <packages>`, as root, bounded in time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface PeerPackage {
  /** Absolute path of the binary that must exist afterwards. */
  readonly binaryPath: string;
  /** Debian packages that provide it. */
  readonly debianPackages: readonly string[];
}

export const etcdPackage: PeerPackage = { binaryPath: '/usr/bin/etcd', debianPackages: ['etcd-server', 'etcd-client'] };
export const fioPackage: PeerPackage = { binaryPath: '/usr/bin/fio', debianPackages: ['fio'] };
export const redisServerPackage: PeerPackage = { binaryPath: '/usr/bin/redis-server', debianPackages: ['redis-server'] };
/** redis-benchmark and redis-cli. */
export const redisToolsPackage: PeerPackage = { binaryPath: '/usr/bin/redis-benchmark', debianPackages: ['redis-tools'] };
/** The HTTP load generator of `bench s3` (Debian's wrk 4.1, LuaJIT scripting). */
export const wrkPackage: PeerPackage = { binaryPath: '/usr/bin/wrk', debianPackages: ['wrk'] };

const aptTimeoutMs = 10 * 60 * 1000;

export function ensurePeersInstalled(peers: readonly PeerPackage[], log: (line: string) => void): void {
  const missing = peers.filter((peer) => !existsSync(peer.binaryPath));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.flatMap((peer) => peer.debianPackages))];
  log(`installing ${packages.join(', ')} (missing ${missing.map((peer) => peer.binaryPath).join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...packages]]) {
    const result = spawnSync('apt-get', args, { env, stdio: ['ignore', 2, 2], timeout: aptTimeoutMs });
    if (result.status !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed (status ${result.status}${result.error ? `, ${result.error.message}` : ''}); run it as root`);
    }
  }
  const stillMissing = missing.filter((peer) => !existsSync(peer.binaryPath));
  if (stillMissing.length > 0) throw new Error(`still missing after apt-get install: ${stillMissing.map((peer) => peer.binaryPath).join(', ')}`);
}

/** First line of `command --version`, for the report. */
export function versionOf(command: string, args: readonly string[] = ['--version']): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return (result.stdout ?? '').split('\n')[0]?.trim() || 'unknown';
}
