/**
 * Datadriven RESP decoding sessions (STYLE.md §6, after etcd-io/raft interaction_test.go): each
 * stanza is a command, its input, `----`, and the expected transcript. One script is one connection:
 * the decoder persists across stanzas, so partial requests carry over.
 *
 * Commands:
 * - `send chunks=N`: the input lines, joined without separators (write `\r\n` explicitly; `\xHH`,
 *   `\t` and `\\` also work), are pushed in chunks of N bytes, draining `next()` after each push. The
 *   transcript lists each request and error, then `buffered <n> bytes` if bytes remain.
 * - `limits profile=default|unauthenticated`: `setLimits` with that profile, as after AUTH.
 *
 * The scripts live in this file rather than in testdata/*.txt because ESLint forbids node:fs in
 * every file of a pure core, specs included; `runRespScript` is pure so moving them is trivial. On a
 * mismatch the failure message holds the rewritten script, to review and paste back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RespDecoder, respDecoderLimitsDefault, respDecoderLimitsUnauthenticated, type RespDecodeResult } from './resp-decoder.js';

/** Replays `script` and returns it with every transcript regenerated. */
function runRespScript(script: string): string {
  const decoder = new RespDecoder(respDecoderLimitsDefault);
  const stanzas = script.trim().split(/\n\n+/);
  return stanzas.map((stanza) => runRespScriptStanza(decoder, stanza)).join('\n\n') + '\n';
}

function runRespScriptStanza(decoder: RespDecoder, stanza: string): string {
  // The old transcript is dropped: the regenerated script is compared as a whole.
  const [head = ''] = stanza.split('\n----\n');
  const [commandLine = '', ...inputLines] = head.split('\n');
  const [command, ...settings] = commandLine.trim().split(/\s+/);
  const setting = (name: string): string | undefined => settings.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  let transcript: string[];
  if (command === 'send') {
    transcript = runRespScriptSend(decoder, unescapeInput(inputLines.join('')), Number(setting('chunks') ?? '0'));
  } else if (command === 'limits') {
    const profile = setting('profile');
    decoder.setLimits(profile === 'unauthenticated' ? respDecoderLimitsUnauthenticated : respDecoderLimitsDefault);
    transcript = [`ok profile=${profile}`];
  } else {
    throw new Error(`unknown script command '${commandLine}'`);
  }
  return `${head}\n----\n${transcript.join('\n')}`;
}

function runRespScriptSend(decoder: RespDecoder, input: Buffer, chunkBytes: number): string[] {
  const chunkSize = chunkBytes > 0 ? chunkBytes : Math.max(input.length, 1);
  const transcript: string[] = [];
  // After an error the server closes the connection, so the rest of the input is not sent.
  let failed = false;
  for (let offset = 0; offset < input.length && !failed; offset += chunkSize) {
    decoder.push(input.subarray(offset, offset + chunkSize));
    for (let result = decoder.next(); result.kind !== 'incomplete' && !failed; result = decoder.next()) {
      transcript.push(describeResult(result));
      failed = result.kind === 'error';
    }
  }
  if (decoder.bufferedBytes > 0) transcript.push(`buffered ${decoder.bufferedBytes} bytes`);
  return transcript.length > 0 ? transcript : ['incomplete'];
}

function describeResult(result: Exclude<RespDecodeResult, { kind: 'incomplete' }>): string {
  if (result.kind === 'error') return `error ${result.error.replyText}`;
  return `${result.request.format} ${result.request.arguments.map(quoteBytes).join(' ')}`;
}

/** Printable ASCII as is, everything else escaped, inside double quotes. */
function quoteBytes(bytes: Uint8Array): string {
  let text = '"';
  for (const byte of bytes) {
    if (byte === 0x0d) text += '\\r';
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${text}"`;
}

function unescapeInput(text: string): Buffer {
  const latin1 = text.replace(/\\(r|n|t|\\|x[0-9a-fA-F]{2})/g, (_match, escape: string) => {
    if (escape === 'r') return '\r';
    if (escape === 'n') return '\n';
    if (escape === 't') return '\t';
    if (escape === '\\') return '\\';
    return String.fromCharCode(parseInt(escape.slice(1), 16));
  });
  return Buffer.from(latin1, 'latin1');
}

const scripts: Readonly<Record<string, string>> = {
  'pipelined requests across chunk boundaries': String.raw`
send chunks=3
*2\r\n$3\r\nGET\r\n$1\r\nk\r\n
----
multibulk "GET" "k"

send chunks=5
*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\nv\r\nw\r\n
PING\r\n
ECHO "a b" 'c'\n
*1\r\n$4\r\nPI
----
multibulk "SET" "k" "v\r\nw"
inline "PING"
inline "ECHO" "a b" "c"
buffered 2 bytes

send chunks=1
NG\r\n
----
multibulk "PING"
`,
  'AUTH raises the limits for the requests after it': String.raw`
limits profile=unauthenticated
----
ok profile=unauthenticated

send chunks=4
*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n
----
multibulk "AUTH" "secret"

limits profile=default
----
ok profile=default

send chunks=7
*11\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n$1\r\nh\r\n$1\r\ni\r\n$1\r\nj\r\n$1\r\nk\r\n
----
multibulk "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k"
`,
  'a protocol error ends the session': String.raw`
limits profile=unauthenticated
----
ok profile=unauthenticated

send chunks=2
PING\r\n*11\r\n
----
inline "PING"
error Protocol error: unauthenticated multibulk length

send chunks=1
PING\r\n
----
error Protocol error: unauthenticated multibulk length
`,
  'garbage and binary bytes': String.raw`
send chunks=2
SET k "\x00\xff"\r\n
*1\r\n$3\r\n\x00\r\n\r\n
*1\r\nx3\r\n
----
inline "SET" "k" "\x00\xff"
multibulk "\x00\r\n"
error Protocol error: expected '$', got 'x'
`,
};

for (const [name, script] of Object.entries(scripts)) {
  test(`script: ${name}`, () => {
    const expected = script.trim() + '\n';
    const actual = runRespScript(script);
    assert.equal(actual, expected, `rewritten script:\n${actual}`);
  });
}
