/**
 * What MONITOR and SLOWLOG show of a command: Redis's argument redaction (AUTH and HELLO AUTH
 * passwords, ACL SETUSER's arguments and the values of sensitive CONFIG SET parameters become
 * `(redacted)`, as redactClientCommandArgument), and MONITOR's line
 * (replicationFeedMonitors: `<seconds>.<micros> [<db> <addr>] "arg" ...`, each argument quoted by
 * sdscatrepr). Pure: the time comes in as an argument.
 */

import { constants as bufferConstants } from 'node:buffer';

const redacted = Buffer.from('(redacted)', 'latin1');
/** Redis's SENSITIVE_CONFIG parameters: CONFIG SET hides their values. */
const sensitiveParameters = new Set(['requirepass', 'masterauth', 'tls-key-file-pass', 'tls-client-key-file-pass']);

function lowerText(argument: Buffer | undefined): string {
  return argument === undefined ? '' : argument.toString('latin1').toLowerCase();
}

/**
 * The arguments as Redis keeps them for MONITOR and SLOWLOG once the command ran. AUTH redacts its
 * password (and user) unless it has more than 3 arguments (it refuses those first). HELLO redacts
 * each `AUTH <user> <pass>` it parsed: it parses options left to right and stops at the first bad one,
 * and a bad protocol version stops it before any, so what follows stays readable, as in Redis.
 */
export function redactedArguments(args: readonly Buffer[]): readonly Buffer[] {
  const name = lowerText(args[0]);
  if (name === 'auth') {
    if (args.length > 3) return args;
    return args.map((argument, index) => (index === 0 ? argument : redacted));
  }
  // ACL SETUSER hides everything after the subcommand, the user name too (aclCommand).
  if (name === 'acl' && lowerText(args[1]) === 'setuser') return args.map((argument, index) => (index < 2 ? argument : redacted));
  if (name === 'config' && lowerText(args[1]) === 'set') {
    return args.map((argument, index) => (index >= 3 && index % 2 === 1 && sensitiveParameters.has(lowerText(args[index - 1])) ? redacted : argument));
  }
  if (name !== 'hello' || args.length < 2) return args;
  const version = (args[1] as Buffer).toString('latin1');
  if (version !== '2' && version !== '3') return args;
  const shown = [...args];
  for (let index = 2; index < args.length; index++) {
    const option = lowerText(args[index]);
    const moreArgs = args.length - 1 - index;
    if (option === 'auth' && moreArgs >= 2) {
      shown[index + 1] = redacted;
      shown[index + 2] = redacted;
      index += 2;
    } else if (option === 'setname' && moreArgs >= 1) {
      index += 1;
    } else {
      break;
    }
  }
  return shown;
}

/**
 * sdscatrepr's escape of one byte, by byte value: `\\` `\"` `\n` `\r` `\t` `\a` `\b`, printable
 * ASCII (isprint in the C locale, 0x20..0x7e) as it is, anything else `\xhh`. Built once; escaping is
 * then a table copy per byte into one preallocated buffer (a string append per byte made a 20 MB
 * binary value an 80 MB string built in seconds while the server waited).
 */
const escapes: readonly Buffer[] = Array.from({ length: 256 }, (_, byte) => {
  const named: Record<number, string> = { 0x5c: '\\\\', 0x22: '\\"', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x07: '\\a', 0x08: '\\b' };
  const text = named[byte] ?? (byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`);
  return Buffer.from(text, 'latin1');
});
const escapeLengths = Uint8Array.from(escapes, (escape) => escape.length);
/** The escapes as rows of 4 bytes, for a per-byte copy without a call. */
const escapeTable = new Uint8Array(256 * 4);
escapes.forEach((escape, byte) => escapeTable.set(escape, byte * 4));

/** Bytes of the quoted form of an argument, quotes included. */
function quotedLength(argument: Uint8Array): number {
  let length = 2;
  for (let index = 0; index < argument.length; index++) length += escapeLengths[argument[index] as number] as number;
  return length;
}

/** Writes the quoted form (of `length` bytes, from {@link quotedLength}) at `offset`; returns the end. */
function writeQuoted(argument: Uint8Array, length: number, target: Buffer, offset: number): number {
  target[offset++] = 0x22;
  if (length === argument.length + 2) {
    // Nothing to escape (most keys and values): one copy.
    target.set(argument, offset);
    offset += argument.length;
  } else {
    for (let index = 0; index < argument.length; index++) {
      const byte = argument[index] as number;
      const length = escapeLengths[byte] as number;
      if (length === 1) {
        target[offset++] = byte;
      } else {
        // An escape is 2 (`\n`) or 4 (`\x00`) bytes, all in one table row.
        const row = byte * 4;
        target[offset] = escapeTable[row] as number;
        target[offset + 1] = escapeTable[row + 1] as number;
        if (length === 4) {
          target[offset + 2] = escapeTable[row + 2] as number;
          target[offset + 3] = escapeTable[row + 3] as number;
        }
        offset += length;
      }
    }
  }
  target[offset++] = 0x22;
  return offset;
}

/** sdscatrepr: `"`-quoted, `\\` `\"` `\n` `\r` `\t` `\a` `\b` escaped, other non-printables as `\xhh`. */
export function quotedArgument(argument: Uint8Array): string {
  const length = quotedLength(argument);
  const target = Buffer.allocUnsafe(length);
  writeQuoted(argument, length, target, 0);
  return target.toString('latin1');
}

/** The longest line that can be a JS string (V8's limit, about 2^29 characters), with room for `+` and CRLF. */
export const maxMonitorLineBytes = bufferConstants.MAX_STRING_LENGTH - 16;

export interface MonitorLineInput {
  /** Wall-clock time of the command, microseconds since the Unix epoch. */
  readonly unixMicros: number;
  /** The client's database once the command ran (SELECT 3 shows `[3 ...]`). */
  readonly databaseIndex: number;
  /** The client's `ip:port`. */
  readonly address: string;
  /** Already redacted ({@link redactedArguments}). */
  readonly args: readonly Buffer[];
}

/**
 * The status line a monitoring client receives for one command (without `+` and CRLF), or null
 * when it would be longer than `maxBytes`: its length is known before anything is encoded, so a line
 * no monitor can take (the pub/sub hard limit, or a JS string's maximum length) costs one counting
 * pass, not an allocation. The line is ASCII, so its bytes are its characters.
 */
export function monitorLine(input: MonitorLineInput, maxBytes = maxMonitorLineBytes): string | null {
  const micros = Math.max(0, Math.floor(input.unixMicros));
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  const head = Buffer.from(`${seconds}.${fraction} [${input.databaseIndex} ${input.address}]`, 'latin1');
  const lengths = input.args.map(quotedLength);
  let total = head.length;
  for (const length of lengths) total += 1 + length;
  if (total > Math.min(maxBytes, maxMonitorLineBytes)) return null;
  const line = Buffer.allocUnsafe(total);
  let offset = head.copy(line, 0);
  input.args.forEach((argument, index) => {
    line[offset++] = 0x20;
    offset = writeQuoted(argument, lengths[index] as number, line, offset);
  });
  return line.toString('latin1');
}
