/**
 * The floor servers' request parser (resp-floor-server-main.ts): RESP arrays of bulk strings only,
 * as redis-benchmark and redis-cli send them, with the bounds any parser here keeps. Kept as small
 * as a parser can be, since what it costs is what the floor measures; what it refuses it refuses
 * with a {@link FloorProtocolError}, which the server answers with `-ERR Protocol error` and a close.
 */

/** Arguments per command (redis-benchmark sends at most a few). */
export const floorArgumentCountMax = 1024;
/** Bytes per argument (redis-benchmark's values are 3 bytes by default). */
export const floorArgumentBytesMax = 1024 * 1024;
/** Bytes of one command that may wait for the rest of it. */
export const floorPendingBytesMax = 4 * 1024 * 1024;

export class FloorProtocolError extends Error {}

/** Node's Buffer has latin1Slice (what `toString('latin1', …)` calls) without a type for it. */
interface Latin1Sliceable {
  latin1Slice(start: number, end: number): string;
}

const carriageReturn = 13;
const asterisk = 42;
const dollar = 36;
const digitZero = 48;
const digitNine = 57;

/**
 * One command from `start`: its arguments (latin1 strings) and where the next one starts, or
 * undefined while it is incomplete.
 * @throws FloorProtocolError on anything but a well-formed array of bulk strings within the bounds.
 */
export function parseFloorCommand(buffer: Buffer, start: number): { args: string[]; next: number } | undefined {
  if (buffer[start] !== asterisk) throw new FloorProtocolError(`expected '*', got byte ${buffer[start]}`);
  const count = readLength(buffer, start + 1, floorArgumentCountMax);
  if (count === undefined) return undefined;
  let position = count.next;
  const args = new Array<string>(count.value);
  for (let index = 0; index < count.value; index++) {
    if (position >= buffer.length) return undefined;
    if (buffer[position] !== dollar) throw new FloorProtocolError(`expected '$', got byte ${buffer[position]}`);
    const length = readLength(buffer, position + 1, floorArgumentBytesMax);
    if (length === undefined) return undefined;
    position = length.next;
    if (position + length.value + 2 > buffer.length) return undefined;
    args[index] = (buffer as unknown as Latin1Sliceable).latin1Slice(position, position + length.value);
    position += length.value + 2;
  }
  return { args, next: position };
}

/** The decimal at `position` up to CRLF (at most `max`) and where what follows it starts; undefined while incomplete. */
function readLength(buffer: Buffer, position: number, max: number): { value: number; next: number } | undefined {
  let value = 0;
  let digits = 0;
  for (; position < buffer.length && buffer[position] !== carriageReturn; position++, digits++) {
    const byte = buffer[position]!;
    if (byte < digitZero || byte > digitNine) throw new FloorProtocolError(`expected a digit, got byte ${byte}`);
    value = value * 10 + byte - digitZero;
    if (value > max) throw new FloorProtocolError(`length over ${max}`);
  }
  if (position + 1 >= buffer.length) return undefined;
  if (digits === 0) throw new FloorProtocolError('empty length');
  return { value, next: position + 2 };
}
