/**
 * The body of a browser-based upload (PostObject): a `multipart/form-data` document (RFC 7578) whose
 * fields come first and whose part named `file` carries the object's bytes. {@link PostFormParser}
 * is an incremental, pure parser: bytes in as they arrive, events out. Fields are kept (at most
 * {@link postFormFieldsBytesMax} bytes for everything before the file, as S3: its
 * MaxPostPreDataLengthExceededError), the file's bytes are handed on as they come and never held
 * beyond one delimiter's length, and what follows the file is ignored, as S3 ignores fields after it.
 */
import { S3Error } from './s3-errors.js';

/** S3's cap on the form before the file: headers and values of every earlier part, 20 KB. */
export const postFormFieldsBytesMax = 20 * 1024;
/** Longest boundary RFC 2046 allows. */
const boundaryLengthMax = 70;

export type PostFormEvent =
  | { readonly kind: 'field'; readonly name: string; readonly value: string }
  | { readonly kind: 'fileStart'; readonly filename: string | undefined; readonly contentType: string | undefined }
  | { readonly kind: 'fileData'; readonly bytes: Uint8Array }
  | { readonly kind: 'fileEnd' };

function malformed(message: string): S3Error {
  return new S3Error('MalformedPOSTRequest', { message: `The body of your POST request is not well-formed multipart/form-data. ${message}` });
}

/**
 * The boundary of a `multipart/form-data` Content-Type.
 * @throws S3Error `PreconditionFailed` when the request is not multipart/form-data (S3: "Bucket
 *   POST must be of the enclosure-type multipart/form-data"), `MalformedPOSTRequest` without a boundary.
 */
export function postFormBoundaryOf(contentType: string | undefined): string {
  const match = /^\s*multipart\/form-data\s*(;.*)?$/i.exec(contentType ?? '');
  if (match === null) throw new S3Error('PreconditionFailed', { message: 'At least one of the pre-conditions you specified did not hold', fields: { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' } });
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(match[1] ?? '');
  const value = boundary?.[1] ?? boundary?.[2];
  if (value === undefined || value.length > boundaryLengthMax) throw malformed('The Content-Type has no usable boundary.');
  return value;
}

type State = 'preamble' | 'afterDelimiter' | 'headers' | 'field' | 'file' | 'done';

/** See the module comment. Feed with {@link PostFormParser.push}, then {@link PostFormParser.end}. */
export class PostFormParser {
  readonly #delimiter: Buffer;
  /** Bytes not yet consumed; the stream is read as if it began with CRLF, so the first boundary needs no special case. */
  #pending: Buffer = Buffer.from('\r\n');
  #state: State = 'preamble';
  #fieldsBytes = 0;
  #part: { name: string; filename: string | undefined; contentType: string | undefined } | undefined;

  constructor(boundary: string) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  /** Whether the file part has ended (later bytes are ignored). */
  get done(): boolean {
    return this.#state === 'done';
  }

  /**
   * Consumes `chunk`; returns the events it completes, in order.
   * @throws S3Error `MalformedPOSTRequest`, `MaxPostPreDataLengthExceededError`.
   */
  push(chunk: Uint8Array): PostFormEvent[] {
    if (this.#state === 'done') return [];
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const events: PostFormEvent[] = [];
    for (;;) {
      const progressed = this.#step(events);
      if (!progressed || this.done) return events;
    }
  }

  /**
   * The body ended.
   * @throws S3Error `MalformedPOSTRequest` when the file part is incomplete, `InvalidArgument` when
   *   the form has no file (S3: "POST requires exactly one file upload per request").
   */
  end(): void {
    if (this.#state === 'done') return;
    if (this.#state === 'file') throw malformed('The file part is not terminated by the boundary.');
    if (this.#state === 'afterDelimiter' || this.#state === 'preamble') {
      throw new S3Error('InvalidArgument', { message: 'POST requires exactly one file upload per request.', fields: { ArgumentName: 'file', ArgumentValue: '0' } });
    }
    throw malformed('The body ends inside a part.');
  }

  /** One step of the state machine; false when it needs more bytes. */
  #step(events: PostFormEvent[]): boolean {
    switch (this.#state) {
      case 'preamble': {
        const at = this.#pending.indexOf(this.#delimiter);
        if (at < 0) {
          this.#countFieldBytes(Math.max(0, this.#pending.length - this.#delimiter.length));
          this.#pending = this.#pending.subarray(Math.max(0, this.#pending.length - this.#delimiter.length));
          return false;
        }
        this.#countFieldBytes(at);
        this.#pending = this.#pending.subarray(at + this.#delimiter.length);
        this.#state = 'afterDelimiter';
        return true;
      }
      case 'afterDelimiter': {
        // `--` closes the form; otherwise optional whitespace (transport padding) and CRLF.
        if (this.#pending.length < 2) return false;
        if (this.#pending[0] === 0x2d && this.#pending[1] === 0x2d) return this.#finish(events);
        const lineEnd = this.#pending.indexOf('\r\n');
        if (lineEnd < 0) {
          if (this.#pending.length > 256) throw malformed('A boundary line is too long.');
          return false;
        }
        if (!/^[ \t]*$/.test(this.#pending.subarray(0, lineEnd).toString('latin1'))) throw malformed('A boundary is followed by other bytes.');
        this.#pending = this.#pending.subarray(lineEnd + 2);
        this.#state = 'headers';
        return true;
      }
      case 'headers': {
        const end = this.#pending.indexOf('\r\n\r\n');
        const headerBytes = end < 0 ? this.#pending.length : end + 4;
        if (this.#fieldsBytes + headerBytes > postFormFieldsBytesMax) throw fieldsTooLarge();
        if (end < 0) return false;
        this.#countFieldBytes(headerBytes);
        this.#part = partOf(this.#pending.subarray(0, end).toString('utf8'));
        this.#pending = this.#pending.subarray(headerBytes);
        if (this.#part.name.toLowerCase() === 'file') {
          this.#state = 'file';
          events.push({ kind: 'fileStart', filename: this.#part.filename, contentType: this.#part.contentType });
        } else this.#state = 'field';
        return true;
      }
      case 'field': {
        const at = this.#pending.indexOf(this.#delimiter);
        const valueBytes = at < 0 ? Math.max(0, this.#pending.length - this.#delimiter.length) : at;
        if (this.#fieldsBytes + valueBytes > postFormFieldsBytesMax) throw fieldsTooLarge();
        if (at < 0) return false;
        this.#countFieldBytes(at);
        events.push({ kind: 'field', name: this.#part!.name, value: this.#pending.subarray(0, at).toString('utf8') });
        this.#pending = this.#pending.subarray(at + this.#delimiter.length);
        this.#state = 'afterDelimiter';
        return true;
      }
      case 'file': {
        const at = this.#pending.indexOf(this.#delimiter);
        if (at < 0) {
          // Everything but a tail that could begin the delimiter is file data.
          const keep = Math.min(this.#pending.length, this.#delimiter.length - 1);
          const data = this.#pending.subarray(0, this.#pending.length - keep);
          if (data.length > 0) events.push({ kind: 'fileData', bytes: data });
          this.#pending = Buffer.from(this.#pending.subarray(this.#pending.length - keep));
          return false;
        }
        if (at > 0) events.push({ kind: 'fileData', bytes: this.#pending.subarray(0, at) });
        return this.#finish(events);
      }
      case 'done':
        return false;
    }
  }

  /** The file ended (or the form closed without one, which `end` reports). */
  #finish(events: PostFormEvent[]): boolean {
    if (this.#state === 'file') events.push({ kind: 'fileEnd' });
    else {
      throw new S3Error('InvalidArgument', { message: 'POST requires exactly one file upload per request.', fields: { ArgumentName: 'file', ArgumentValue: '0' } });
    }
    this.#state = 'done';
    this.#pending = Buffer.alloc(0);
    return false;
  }

  #countFieldBytes(bytes: number): void {
    this.#fieldsBytes += bytes;
    if (this.#fieldsBytes > postFormFieldsBytesMax) throw fieldsTooLarge();
  }
}

function fieldsTooLarge(): S3Error {
  return new S3Error('MaxPostPreDataLengthExceededError', { fields: { MaxPostPreDataLengthBytes: postFormFieldsBytesMax } });
}

/** A part's name, filename and Content-Type from its header lines. */
function partOf(headerText: string): { name: string; filename: string | undefined; contentType: string | undefined } {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed('A part header has no name.');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined || !/^form-data\b/i.test(disposition)) throw malformed('A part has no Content-Disposition: form-data.');
  const parameters = dispositionParameters(disposition);
  const name = parameters.get('name');
  if (name === undefined || name === '') throw malformed('A part has no name.');
  return { name, filename: parameters.get('filename'), contentType };
}

/**
 * The parameters of `form-data; name="a"; filename="b"`, read left to right (RFC 7578, RFC 6266:
 * `;` token `=` token-or-quoted-string), so text inside a quoted value (`filename="x; name=y"`)
 * is never taken for a parameter. The first of a repeated name counts.
 * @throws S3Error `MalformedPOSTRequest` for anything else after `form-data`.
 */
function dispositionParameters(disposition: string): Map<string, string> {
  const parameters = new Map<string, string>();
  const pattern = /\s*;\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s"]*))\s*/y;
  pattern.lastIndex = 'form-data'.length;
  while (pattern.lastIndex < disposition.length) {
    if (/^\s*;?\s*$/.test(disposition.slice(pattern.lastIndex))) break; // a trailing `;`
    const match = pattern.exec(disposition);
    if (match === null) throw malformed('A part has a malformed Content-Disposition.');
    const name = match[1]!.toLowerCase();
    if (!parameters.has(name)) parameters.set(name, match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!);
  }
  return parameters;
}
