/**
 * The S3 client `objectbox s3` uses: the connection {@link resolveConnection} chose (endpoint,
 * region, path style, credentials), the SDK's default provider chain when the credentials come
 * from AWS sources, and the SDK's default checksums (CRC32 on uploads).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type Connection, type ConnectionFlags, type ProfileFiles, resolveConnection } from './s3-config.js';

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The shared config and credentials files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE or ~/.aws/). */
export async function readProfileFiles(env: Readonly<Record<string, string | undefined>>): Promise<ProfileFiles> {
  const home = env['HOME'] ?? homedir();
  const [config, credentials] = await Promise.all([
    readOptional(env['AWS_CONFIG_FILE'] ?? join(home, '.aws', 'config')),
    readOptional(env['AWS_SHARED_CREDENTIALS_FILE'] ?? join(home, '.aws', 'credentials')),
  ]);
  return { config, credentials };
}

/** Connects as `flags` and `env` say; `verifySsl: false` accepts any TLS certificate (a dev process's self-signed one). */
export async function connect(
  flags: ConnectionFlags & { verifySsl?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ client: S3Client; connection: Connection }> {
  const connection = resolveConnection(flags, env, await readProfileFiles(env));
  const { credentials } = connection;
  const client = new S3Client({
    endpoint: connection.endpoint,
    region: connection.region,
    forcePathStyle: connection.forcePathStyle,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 10_000, ...(flags.verifySsl === false ? { httpsAgent: { rejectUnauthorized: false } } : {}) },
    ...(credentials.kind === 'static'
      ? { credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey } }
      : credentials.profile === undefined
        ? {}
        : { profile: credentials.profile }),
  });
  return { client, connection };
}
