/**
 * `objectbox keys create|list|delete`: the object store's S3 access keys, through its gRPC
 * AccessKeyService (libs/object-store/nest/src/access-key-admin.ts), each call signed with the root
 * credentials (OBJECTBOX_ACCESS_KEY_ID / OBJECTBOX_SECRET_ACCESS_KEY, else the dev defaults). The
 * address is `--grpc-address`, else OBJECTBOX_OBJECT_STORE_GRPC_ADDRESS, else the local dev
 * process (127.0.0.1:7101). Exit status 0 on success, 1 when the call failed (one line on stderr:
 * `objectbox keys <command>: <code>: <message>`), 2 for usage errors.
 */
import { type Command, CommanderError, Option } from 'commander';
import type { AccessKeyAdminClient } from '@objectbox/object-store-nest';

export interface KeysCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The object store's gRPC address when neither flag nor environment names one. */
export const defaultObjectStoreGrpcAddress = '127.0.0.1:7101';
/** Deadline of one admin call. */
const callDeadlineMs = 10_000;

interface KeysOptions {
  grpcAddress?: string;
  json?: boolean;
}

class KeysUsageError extends Error {}

function usageExit(error: CommanderError): never {
  if (error.exitCode === 0) throw error;
  throw new CommanderError(2, error.code, error.message);
}

/** The one line a failed call prints: the server's typed code and message, or why it was unreachable. */
export function describeKeysError(error: unknown, address: string): string {
  const call = error as Partial<{ code: string; details: string; grpcStatus: number; isObjectBoxError: boolean }>;
  if (call.isObjectBoxError === true && call.grpcStatus === 14) return `cannot reach the object store's gRPC port at ${address} (is it running? --grpc-address)`;
  if (call.isObjectBoxError === true && call.grpcStatus === 4) return `DeadlineExceeded: no answer from ${address} within ${callDeadlineMs / 1000} s`;
  if (call.isObjectBoxError === true && typeof call.code === 'string') return `${call.code}: ${call.details ?? ''}`;
  return error instanceof Error ? error.message : String(error);
}

function resolveAddress(options: KeysOptions, env: KeysCliIo['env']): string {
  const address = options.grpcAddress ?? (env['OBJECTBOX_OBJECT_STORE_GRPC_ADDRESS'] || defaultObjectStoreGrpcAddress);
  if (!/^[^\s:]+:\d{1,5}$/.test(address) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(address)) throw new KeysUsageError(`expected --grpc-address host:port, got ${JSON.stringify(address)}`);
  return address;
}

function rootOf(env: KeysCliIo['env'], devDefaults: { readonly accessKeyId: string; readonly secretAccessKey: string }): { accessKeyId: string; secretAccessKey: string } {
  const accessKeyId = env['OBJECTBOX_ACCESS_KEY_ID'];
  const secretAccessKey = env['OBJECTBOX_SECRET_ACCESS_KEY'];
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : { ...devDefaults };
}

function isoOf(unixMs: bigint): string {
  return new Date(Number(unixMs)).toISOString();
}

/** Registers `objectbox keys …` on `program`; each action reports its exit status through `setExitStatus`. */
export function registerKeysCommands(program: Command, io: KeysCliIo, setExitStatus: (status: number) => void): Command {
  const keys = program
    .command('keys')
    .description("S3 access keys of the object store (create, list, delete), signed with the root credentials")
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`objectbox keys: ${text.replace(/^error: /, '').trim()}\n`) })
    .showHelpAfterError(false)
    .exitOverride(usageExit);

  const define = (name: string, description: string): Command =>
    keys
      .command(name)
      .description(description)
      .option('--grpc-address <host:port>', `the object store's gRPC address (default: OBJECTBOX_OBJECT_STORE_GRPC_ADDRESS or ${defaultObjectStoreGrpcAddress})`)
      .addOption(new Option('--json', 'print JSON instead of text'))
      .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(`objectbox keys ${name}: ${text.replace(/^error: /, '').trim()}\n`) })
      .showHelpAfterError(false)
      .exitOverride(usageExit);

  const act =
    <A extends unknown[]>(name: string, body: (client: AccessKeyAdminClient, options: KeysOptions, ...args: A) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      const options = (args[args.length - 1] as Command).opts<KeysOptions>();
      let address = options.grpcAddress ?? defaultObjectStoreGrpcAddress;
      let client: AccessKeyAdminClient | undefined;
      try {
        address = resolveAddress(options, io.env);
        // Imported here: the object-store package brings NestJS, which other commands need not load.
        const { createAccessKeyAdminClient, devRootCredentials } = await import('@objectbox/object-store-nest');
        client = createAccessKeyAdminClient({ address, root: rootOf(io.env, devRootCredentials), deadlineMs: callDeadlineMs });
        await body(client, options, ...(args.slice(0, -2) as A));
        setExitStatus(0);
      } catch (error) {
        io.stderr(`objectbox keys ${name}: ${error instanceof KeysUsageError ? error.message : describeKeysError(error, address)}\n`);
        setExitStatus(error instanceof KeysUsageError ? 2 : 1);
      } finally {
        client?.close();
      }
    };

  define('create', 'create an access key pair; the secret is printed only now')
    .option('--access-key-id <id>', 'the id to create (16-128 letters and digits); default: generated')
    .action(
      act('create', async (client, options) => {
        const requested = (options as KeysOptions & { accessKeyId?: string }).accessKeyId ?? '';
        const created = await client.create({ accessKeyId: requested });
        const createdAt = isoOf(created.createdAtUnixMs);
        if (options.json === true) io.stdout(`${JSON.stringify({ accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, createdAt })}\n`);
        else io.stdout(`AccessKeyId      ${created.accessKeyId}\nSecretAccessKey  ${created.secretAccessKey}\nCreated          ${createdAt}\n(the secret is shown only now)\n`);
      }),
    );

  define('list', 'list access keys (never their secrets)').action(
    act('list', async (client, options) => {
      const { accessKeys } = await client.list({});
      const rows = accessKeys.map((key) => ({ accessKeyId: key.accessKeyId, status: key.status, createdAt: isoOf(key.createdAtUnixMs) }));
      if (options.json === true) io.stdout(`${JSON.stringify(rows)}\n`);
      else for (const row of rows) io.stdout(`${row.accessKeyId}  ${row.status}  ${row.createdAt}\n`);
    }),
  );

  define('delete', 'delete an access key; requests signed with it fail from then on')
    .argument('<access-key-id>', 'the key to delete')
    .action(
      act('delete', async (client, options, accessKeyId: string) => {
        await client.delete({ accessKeyId });
        if (options.json === true) io.stdout(`${JSON.stringify({ deleted: accessKeyId })}\n`);
        else io.stdout(`deleted ${accessKeyId}\n`);
      }),
    );

  return keys;
}
