/**
 * The encodings SigV4 canonicalises with, as S3 applies them.
 *
 * AWS "Create a canonical request": every byte except the unreserved characters `A-Z a-z 0-9 - . _ ~`
 * is percent-encoded with upper-case hex; `/` stays literal in the path only. S3, unlike the other
 * AWS services, does not encode the path twice (see deuxfleurs-org/garage
 * src/api/common/signature/payload.rs `canonical_request` for the evidence). We decode what the client
 * sent and encode it again, so a client that sent `$` literally and one that sent `%24` both match a
 * signature over `%24`, while `%2F` inside a segment stays distinct from a separator.
 */

/** Header names and values as received, names in any case; repeated headers as arrays. */
export type HttpHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

const hexDigitsUpper = '0123456789ABCDEF';

function isUnreservedByte(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  );
}

/** Percent-encodes `bytes` per SigV4 (RFC 3986 unreserved set kept; `/` kept unless `encodeSlash`). */
export function uriEncodeBytes(bytes: Uint8Array, options: { readonly encodeSlash: boolean }): string {
  let encoded = '';
  for (const byte of bytes) {
    if (isUnreservedByte(byte) || (byte === 0x2f && !options.encodeSlash)) {
      encoded += String.fromCharCode(byte);
    } else {
      encoded += `%${hexDigitsUpper[byte >> 4]}${hexDigitsUpper[byte & 0xf]}`;
    }
  }
  return encoded;
}

/** Percent-encodes the UTF-8 bytes of `value` per SigV4; see {@link uriEncodeBytes}. */
export function uriEncode(value: string, options: { readonly encodeSlash: boolean }): string {
  return uriEncodeBytes(Buffer.from(value, 'utf8'), options);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * Decodes `%XX` escapes of `encodedUntrusted` into bytes. A `%` not followed by two hex digits is
 * kept as a literal `%`; with `plusIsSpace`, `+` becomes a space (query strings).
 */
export function percentDecode(encodedUntrusted: string, options: { readonly plusIsSpace: boolean }): Buffer {
  const source = Buffer.from(encodedUntrusted, 'utf8');
  const target = Buffer.alloc(source.length);
  let targetIndex = 0;
  for (let index = 0; index < source.length; index++) {
    const byte = source[index]!;
    const high = byte === 0x25 && index + 2 < source.length ? hexValue(source[index + 1]!) : -1;
    const low = high >= 0 ? hexValue(source[index + 2]!) : -1;
    if (low >= 0) {
      target[targetIndex++] = (high << 4) | low;
      index += 2;
    } else {
      target[targetIndex++] = byte === 0x2b && options.plusIsSpace ? 0x20 : byte;
    }
  }
  return target.subarray(0, targetIndex);
}

function isUpperHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46);
}

/**
 * True when decoding `raw` and encoding it again per SigV4 gives `raw` itself: every character is
 * unreserved (or `/` when `slashAllowed`), or a `%XX` escape with upper-case hex of a byte that must
 * stay escaped. What clients send is nearly always already canonical, and this check is a fraction
 * of the decode-and-encode round trip (two buffers per component).
 */
function isCanonicalEncoding(raw: string, slashAllowed: boolean): boolean {
  for (let index = 0; index < raw.length; index++) {
    const code = raw.charCodeAt(index);
    if (isUnreservedByte(code) || (code === 0x2f && slashAllowed)) continue;
    if (code !== 0x25 || index + 2 >= raw.length) return false;
    const high = raw.charCodeAt(index + 1);
    const low = raw.charCodeAt(index + 2);
    if (!isUpperHexDigit(high) || !isUpperHexDigit(low)) return false;
    const byte = (hexValue(high) << 4) | hexValue(low);
    if (isUnreservedByte(byte) || (byte === 0x2f && slashAllowed)) return false;
    index += 2;
  }
  return true;
}

/** SigV4's encoding of one query name or value as received (`+` is a space). */
function canonicalQueryComponent(raw: string): string {
  return isCanonicalEncoding(raw, false) ? raw : uriEncodeBytes(percentDecode(raw, { plusIsSpace: true }), { encodeSlash: true });
}

/**
 * {@link percentDecode} as UTF-8 text. Text with no escape, no `+` read as a space and no UTF-16
 * surrogate is its own decoding (the common case, and the round trip through bytes is what costs).
 */
export function percentDecodeText(encodedUntrusted: string, options: { readonly plusIsSpace: boolean }): string {
  const needsDecoding = options.plusIsSpace ? /[%+\uD800-\uDFFF]/ : /[%\uD800-\uDFFF]/;
  if (!needsDecoding.test(encodedUntrusted)) return encodedUntrusted;
  return percentDecode(encodedUntrusted, options).toString('utf8');
}

/** The canonical URI of a wire path (still percent-encoded, no query): each segment re-encoded. */
export function canonicalUri(pathRaw: string): string {
  if (pathRaw === '') return '/';
  if (isCanonicalEncoding(pathRaw, true)) return pathRaw;
  return pathRaw
    .split('/')
    .map((segment) => uriEncodeBytes(percentDecode(segment, { plusIsSpace: false }), { encodeSlash: true }))
    .join('/');
}

/**
 * One query parameter as received: still percent-encoded, `+` not yet read. A name without `=` has
 * the value `''`. The edge splits a request's query once ({@link splitQuery}) and hands these to
 * routing and to SigV4 (parsing the presign parameters, the canonical query string), each of which
 * decodes what it reads by its own rules.
 */
export interface RawQueryParameter {
  readonly nameRaw: string;
  readonly valueRaw: string;
}

/** Splits a raw query string (with or without `?`) into its parameters, in wire order; empty pieces (`a&&b`) are dropped. */
export function splitQuery(queryRaw: string): RawQueryParameter[] {
  const parameters: RawQueryParameter[] = [];
  let start = queryRaw.startsWith('?') ? 1 : 0;
  while (start <= queryRaw.length) {
    let end = queryRaw.indexOf('&', start);
    if (end < 0) end = queryRaw.length;
    if (end > start) {
      const equals = queryRaw.indexOf('=', start);
      parameters.push(
        equals < 0 || equals > end
          ? { nameRaw: queryRaw.slice(start, end), valueRaw: '' }
          : { nameRaw: queryRaw.slice(start, equals), valueRaw: queryRaw.slice(equals + 1, end) },
      );
    }
    start = end + 1;
  }
  return parameters;
}

/**
 * The canonical query string of split parameters ({@link splitQuery}): every parameter decoded,
 * encoded again with `/` encoded, `name=value` (a bare `?lifecycle` gives `lifecycle=`), sorted by
 * encoded name then value, joined with `&`. Parameters named in `namesExcluded` (exact case, as
 * decoded) are left out: `X-Amz-Signature` for presigned URLs.
 */
export function canonicalQueryString(parameters: readonly RawQueryParameter[], namesExcluded: readonly string[] = []): string {
  const pairs: [string, string][] = [];
  let sorted = true;
  for (const { nameRaw, valueRaw } of parameters) {
    if (namesExcluded.length > 0 && namesExcluded.includes(percentDecodeText(nameRaw, { plusIsSpace: true }))) continue;
    const pair: [string, string] = [canonicalQueryComponent(nameRaw), canonicalQueryComponent(valueRaw)];
    const previous = pairs.at(-1);
    if (previous !== undefined && comparePairs(previous, pair) > 0) sorted = false;
    pairs.push(pair);
  }
  // SDKs send their parameters sorted already (a presigned URL nearly always): sorting is then skipped.
  if (!sorted) pairs.sort(comparePairs);
  let canonical = '';
  for (const [name, value] of pairs) canonical += canonical === '' ? `${name}=${value}` : `&${name}=${value}`;
  return canonical;
}

/** By encoded name, then value. Encoded strings are ASCII, so code-unit order is the byte order SigV4 asks for. */
function comparePairs([nameA, valueA]: readonly [string, string], [nameB, valueB]: readonly [string, string]): number {
  return compareAscii(nameA, nameB) || compareAscii(valueA, valueB);
}

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Headers keyed by lower-case name. Repeated headers (an array, or names differing only in case)
 * are joined with `,` as SigV4's canonical headers require.
 */
export function normalizeHeaders(headers: HttpHeaders): Map<string, string> {
  const normalized = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = typeof value === 'string' ? value : value.join(',');
    const key = name.toLowerCase();
    const previous = normalized.get(key);
    normalized.set(key, previous === undefined ? joined : `${previous},${joined}`);
  }
  return normalized;
}

/** SigV4 "Trimall": leading and trailing whitespace removed, inner runs collapsed to one space. */
export function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}
