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
  const key = Buffer.from(command.key, 'utf8');
  const parts: Buffer[] = [Buffer.from([opCodes[command.op]]), u16(key.length), key];
  if (command.op === 'put') parts.push(u32(command.value.byteLength), Buffer.from(command.value));
  if (command.op === 'compare-and-set') {
    const expected = command.expected ?? new Uint8Array();
    parts.push(Buffer.from([command.expected === undefined ? 1 : 0]), u32(expected.byteLength), Buffer.from(expected), u32(command.value.byteLength), Buffer.from(command.value));
  }
  return Buffer.concat(parts);
}

function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(value);
  return bytes;
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

/** Thrown for bytes that are not a registry command (a bug or a foreign log): never skipped. */
export class RegistryCommandInvalidError extends InvalidArgumentError {
  override readonly code = 'InvalidArgument';
}

export function decodeRegistryCommand(bytes: Uint8Array): RegistryCommand {
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
  const op = view.readUInt8(0);
  const keyLength = view.readUInt16LE(1);
  offset = 3;
  const key = take(keyLength).toString('utf8');
  let command: RegistryCommand;
  if (op === opCodes.put) command = { op: 'put', key, value: Uint8Array.from(take(readU32())) };
  else if (op === opCodes.delete) command = { op: 'delete', key };
  else if (op === opCodes['compare-and-set']) {
    const expectedAbsent = take(1)[0] === 1;
    const expected = Uint8Array.from(take(readU32()));
    command = { op: 'compare-and-set', key, expected: expectedAbsent ? undefined : expected, value: Uint8Array.from(take(readU32())) };
  } else throw new RegistryCommandInvalidError(`unknown registry op ${op}`);
  if (offset !== view.length) throw new RegistryCommandInvalidError('trailing bytes after a registry command');
  return command;
}
