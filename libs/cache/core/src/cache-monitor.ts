/**
 * What MONITOR and SLOWLOG show of a command: Redis's argument redaction (AUTH and HELLO AUTH
 * passwords, ACL SETUSER's arguments and the values of sensitive CONFIG SET parameters become
 * `(redacted)`, as redactClientCommandArgument), and MONITOR's line
 * (replicationFeedMonitors: `<seconds>.<micros> [<db> <addr>] "arg" ...`, each argument quoted by
 * sdscatrepr). Pure: the time comes in as an argument.
 */

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

/** sdscatrepr: `"`-quoted, `\\` `\"` `\n` `\r` `\t` `\a` `\b` escaped, other non-printables as `\xhh`. */
export function quotedArgument(argument: Uint8Array): string {
  if (isPlainText(argument)) return `"${Buffer.from(argument.buffer, argument.byteOffset, argument.byteLength).toString('latin1')}"`;
  let text = '"';
  for (const byte of argument) {
    switch (byte) {
      case 0x5c:
        text += '\\\\';
        break;
      case 0x22:
        text += '\\"';
        break;
      case 0x0a:
        text += '\\n';
        break;
      case 0x0d:
        text += '\\r';
        break;
      case 0x09:
        text += '\\t';
        break;
      case 0x07:
        text += '\\a';
        break;
      case 0x08:
        text += '\\b';
        break;
      default:
        // isprint in the C locale: 0x20..0x7e.
        text += byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
    }
  }
  return `${text}"`;
}

/** Printable ASCII without `"` or `\\`: quoted as it is (most keys and values), one string conversion. */
function isPlainText(argument: Uint8Array): boolean {
  for (const byte of argument) if (byte < 0x20 || byte > 0x7e || byte === 0x22 || byte === 0x5c) return false;
  return true;
}

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

/** The status line a monitoring client receives for one command (without `+` and CRLF). */
export function monitorLine(input: MonitorLineInput): string {
  const micros = Math.max(0, Math.floor(input.unixMicros));
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return `${seconds}.${fraction} [${input.databaseIndex} ${input.address}] ${input.args.map(quotedArgument).join(' ')}`;
}
