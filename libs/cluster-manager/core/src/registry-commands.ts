import { assert, InvalidArgumentError } from '@objectbox/util';

/**
 * The commands of the registry's Raft log, as compact bytes (they are fsynced and replicated on
 * every write, so size matters): op u8, key length u16, key (UTF-8), then per op:
 * put: value length u32, value; delete: nothing; compare-and-set: expected-absent u8,
 * expected length u32, expected, value length u32, value. Decoding checks every length.
 *
 * A batch (op 4: count u32, then per command its length u32 and its encoding) carries several
 * commands in one log entry, applied in order: the per-entry work of Raft (the proposal, the log
 * entry, its WAL record, its place in every append, its apply) is then paid once for all of them.
 */
export const registryKeyBytesMax = 1024;
export const registryValueBytesMax = 1024 * 1024;
/** Bytes of a batch's own header (op and count) before its commands. */
export const registryBatchHeaderBytes = 5;
/** Most commands one batch carries (a count beyond it is refused as malformed). */
export const registryBatchCommandCountMax = 1024;

export type RegistryCommand =
  | { readonly op: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'compare-and-set'; readonly key: string; readonly expected: Uint8Array | undefined; readonly value: Uint8Array };

const opCodes = { put: 1, delete: 2, 'compare-and-set': 3, batch: 4 } as const;

/** A command that fails these checks is refused before it reaches the log. */
export function validateRegistryCommand(command: RegistryCommand): void {
  const keyBytes = Buffer.byteLength(command.key);
  if (keyBytes === 0 || keyBytes > registryKeyBytesMax) throw new InvalidArgumentError(`key must be 1 to ${registryKeyBytesMax} bytes, got ${keyBytes}`);
  if (command.op !== 'delete' && command.value.byteLength > registryValueBytesMax) {
    throw new InvalidArgumentError(`value must be at most ${registryValueBytesMax} bytes, got ${command.value.byteLength}`);
  }
  // A larger expected value could never match a stored one; unbounded, one request made an entry
  // of up to the gRPC message limit, which no append could carry.
  if (command.op === 'compare-and-set' && (command.expected?.byteLength ?? 0) > registryValueBytesMax) {
    throw new InvalidArgumentError(`expected value must be at most ${registryValueBytesMax} bytes, got ${command.expected?.byteLength}`);
  }
}

export function encodeRegistryCommand(command: RegistryCommand): Uint8Array {
  validateRegistryCommand(command);
  // One buffer written in place: this runs for every write the leader accepts.
  const keyBytes = Buffer.byteLength(command.key);
  let sizeBytes = 3 + keyBytes;
  if (command.op === 'put') sizeBytes += 4 + command.value.byteLength;
  if (command.op === 'compare-and-set') sizeBytes += 1 + 4 + (command.expected?.byteLength ?? 0) + 4 + command.value.byteLength;
  const out = Buffer.allocUnsafe(sizeBytes);
  out[0] = opCodes[command.op];
  out.writeUInt16LE(keyBytes, 1);
  let offset = 3 + out.write(command.key, 3, 'utf8');
  const bytes = (value: Uint8Array): void => {
    offset = out.writeUInt32LE(value.byteLength, offset);
    out.set(value, offset);
    offset += value.byteLength;
  };
  if (command.op === 'put') bytes(command.value);
  if (command.op === 'compare-and-set') {
    out[offset++] = command.expected === undefined ? 1 : 0;
    bytes(command.expected ?? new Uint8Array());
    bytes(command.value);
  }
  return out;
}

/**
 * One batch of already encoded (so validated) commands; `commands` holds 1 to
 * {@link registryBatchCommandCountMax} of them, none a batch itself.
 */
export function encodeRegistryBatch(commands: readonly Uint8Array[]): Uint8Array {
  assert(commands.length > 0 && commands.length <= registryBatchCommandCountMax, `a batch holds 1 to ${registryBatchCommandCountMax} commands, got ${commands.length}`);
  let sizeBytes = registryBatchHeaderBytes;
  for (const command of commands) sizeBytes += 4 + command.byteLength;
  const out = Buffer.allocUnsafe(sizeBytes);
  out[0] = opCodes.batch;
  let offset = out.writeUInt32LE(commands.length, 1);
  for (const command of commands) {
    assert(command[0] !== opCodes.batch, 'a batch cannot carry a batch');
    offset = out.writeUInt32LE(command.byteLength, offset);
    out.set(command, offset);
    offset += command.byteLength;
  }
  return out;
}

/** Thrown for bytes that are not a registry command (a bug or a foreign log): never skipped. */
export class RegistryCommandInvalidError extends InvalidArgumentError {
  override readonly code = 'InvalidArgument';
}

/**
 * A decoded command whose key and values are views into the command's bytes (not copies): what
 * the state machine applies, without turning the key into a string and back.
 */
export type RegistryCommandBytes =
  | { readonly op: 'put'; readonly key: Buffer; readonly value: Buffer }
  | { readonly op: 'delete'; readonly key: Buffer }
  | { readonly op: 'compare-and-set'; readonly key: Buffer; readonly expected: Buffer | undefined; readonly value: Buffer };

/** A decoded entry: one command, or a batch of them (each decoded and checked, none a batch). */
export type RegistryEntryBytes = RegistryCommandBytes | { readonly op: 'batch'; readonly commands: readonly RegistryCommandBytes[] };

/** The commands of a log entry: itself, or the ones its batch carries. */
export function decodeRegistryEntry(bytes: Uint8Array): RegistryCommand[] {
  const entry = decodeRegistryEntryBytes(bytes);
  return entry.op === 'batch' ? entry.commands.map(commandOfBytes) : [commandOfBytes(entry)];
}

export function decodeRegistryCommand(bytes: Uint8Array): RegistryCommand {
  return commandOfBytes(decodeRegistryCommandBytes(bytes));
}

function commandOfBytes(command: RegistryCommandBytes): RegistryCommand {
  const key = command.key.toString('utf8');
  switch (command.op) {
    case 'put':
      return { op: 'put', key, value: new Uint8Array(command.value) };
    case 'delete':
      return { op: 'delete', key };
    case 'compare-and-set':
      return {
        op: 'compare-and-set',
        key,
        expected: command.expected === undefined ? undefined : new Uint8Array(command.expected),
        value: new Uint8Array(command.value),
      };
  }
}

/**
 * Decodes a log entry into views of it: a batch is checked whole (every command decoded) before
 * anything of it is applied, so a malformed one is refused, never half-applied.
 */
export function decodeRegistryEntryBytes(bytes: Uint8Array): RegistryEntryBytes {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length === 0 || view[0] !== opCodes.batch) return decodeCommandView(view);
  if (view.length < 5) throw truncatedAt(1);
  const count = view.readUInt32LE(1);
  if (count === 0 || count > registryBatchCommandCountMax) throw new RegistryCommandInvalidError(`a batch holds 1 to ${registryBatchCommandCountMax} commands, got ${count}`);
  const commands: RegistryCommandBytes[] = [];
  let offset = 5;
  for (let position = 0; position < count; position++) {
    const end = lengthPrefixedEnd(view, offset);
    // A batch inside is refused by decodeCommandView, as any op that is not a single command.
    commands.push(decodeCommandView(view.subarray(offset + 4, end)));
    offset = end;
  }
  if (offset !== view.length) throw new RegistryCommandInvalidError('trailing bytes after a registry batch');
  return { op: 'batch', commands };
}

/** Decodes one command (not a batch) into views of `bytes`; throws {@link RegistryCommandInvalidError} like {@link decodeRegistryCommand}. */
export function decodeRegistryCommandBytes(bytes: Uint8Array): RegistryCommandBytes {
  return decodeCommandView(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

function decodeCommandView(view: Buffer): RegistryCommandBytes {
  // Straight-line reads, no helper closures: every replica decodes every command it applies, and
  // three closures per command were a good part of a registry apply's allocations.
  const length = view.length;
  if (length < 3) throw truncatedAt(0);
  const op = view[0];
  const keyEnd = 3 + view.readUInt16LE(1);
  if (keyEnd > length) throw truncatedAt(3);
  const key = view.subarray(3, keyEnd);
  let command: RegistryCommandBytes;
  let offset: number;
  if (op === opCodes.put) {
    offset = lengthPrefixedEnd(view, keyEnd);
    command = { op: 'put', key, value: view.subarray(keyEnd + 4, offset) };
  } else if (op === opCodes.delete) {
    offset = keyEnd;
    command = { op: 'delete', key };
  } else if (op === opCodes['compare-and-set']) {
    if (keyEnd + 1 > length) throw truncatedAt(keyEnd);
    const expectedAbsent = view[keyEnd] === 1;
    const expectedEnd = lengthPrefixedEnd(view, keyEnd + 1);
    offset = lengthPrefixedEnd(view, expectedEnd);
    command = { op: 'compare-and-set', key, expected: expectedAbsent ? undefined : view.subarray(keyEnd + 5, expectedEnd), value: view.subarray(expectedEnd + 4, offset) };
  } else if (op === opCodes.batch) throw new RegistryCommandInvalidError('a registry batch where one command was expected');
  else throw new RegistryCommandInvalidError(`unknown registry op ${op}`);
  if (offset !== length) throw new RegistryCommandInvalidError('trailing bytes after a registry command');
  return command;
}

/** Where the u32-length-prefixed field at `start` ends; throws when the field is truncated. */
function lengthPrefixedEnd(view: Buffer, start: number): number {
  if (start + 4 > view.length) throw truncatedAt(start);
  const end = start + 4 + view.readUInt32LE(start);
  if (end > view.length) throw truncatedAt(start + 4);
  return end;
}

function truncatedAt(offset: number): RegistryCommandInvalidError {
  return new RegistryCommandInvalidError(`registry command truncated at byte ${offset}`);
}
