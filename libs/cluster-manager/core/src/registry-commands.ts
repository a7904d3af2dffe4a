import { InvalidArgumentError } from '@objectbox/util';

/**
 * The commands of the registry's Raft log, as compact bytes (they are fsynced and replicated on
 * every write, so size matters): op u8, key length u16, key (UTF-8), then per op:
 * put: value length u32, value; delete: nothing; compare-and-set: expected-absent u8,
 * expected length u32, expected, value length u32, value. Decoding checks every length.
 */
export const registryKeyBytesMax = 1024;
export const registryValueBytesMax = 1024 * 1024;

export type RegistryCommand =
  | { readonly op: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'compare-and-set'; readonly key: string; readonly expected: Uint8Array | undefined; readonly value: Uint8Array };

const opCodes = { put: 1, delete: 2, 'compare-and-set': 3 } as const;

/** A command that fails these checks is refused before it reaches the log. */
export function validateRegistryCommand(command: RegistryCommand): void {
  const keyBytes = Buffer.byteLength(command.key);
  if (keyBytes === 0 || keyBytes > registryKeyBytesMax) throw new InvalidArgumentError(`key must be 1 to ${registryKeyBytesMax} bytes, got ${keyBytes}`);
  if (command.op !== 'delete' && command.value.byteLength > registryValueBytesMax) {
    throw new InvalidArgumentError(`value must be at most ${registryValueBytesMax} bytes, got ${command.value.byteLength}`);
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

export function decodeRegistryCommand(bytes: Uint8Array): RegistryCommand {
  const command = decodeRegistryCommandBytes(bytes);
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

/** Decodes `bytes` into views of it; throws {@link RegistryCommandInvalidError} like {@link decodeRegistryCommand}. */
export function decodeRegistryCommandBytes(bytes: Uint8Array): RegistryCommandBytes {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const need = (count: number): void => {
    if (offset + count > view.length) throw new RegistryCommandInvalidError(`registry command truncated at byte ${offset}`);
  };
  const take = (count: number): Buffer => {
    need(count);
    offset += count;
    return view.subarray(offset - count, offset);
  };
  const readU32 = (): number => {
    need(4);
    offset += 4;
    return view.readUInt32LE(offset - 4);
  };
  need(3);
  const op = view[0];
  const keyLength = view.readUInt16LE(1);
  offset = 3;
  const key = take(keyLength);
  let command: RegistryCommandBytes;
  if (op === opCodes.put) command = { op: 'put', key, value: take(readU32()) };
  else if (op === opCodes.delete) command = { op: 'delete', key };
  else if (op === opCodes['compare-and-set']) {
    const expectedAbsent = take(1)[0] === 1;
    const expected = take(readU32());
    command = { op: 'compare-and-set', key, expected: expectedAbsent ? undefined : expected, value: take(readU32()) };
  } else throw new RegistryCommandInvalidError(`unknown registry op ${op}`);
  if (offset !== view.length) throw new RegistryCommandInvalidError('trailing bytes after a registry command');
  return command;
}
