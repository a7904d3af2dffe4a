/**
 * Stored text that goes back out as HTTP headers (user metadata, content headers): what may be
 * stored, and how a value is written so that it is always a valid header.
 *
 * Values arrive as request headers (node has already refused control characters there, and reads
 * other bytes as Latin-1, so they go back out as the same bytes, as ceph/s3-tests'
 * test_object_set_get_unicode_metadata expects) or as PostObject form fields (Unicode text). A value
 * with a line break could split the response, and one node cannot write (outside Latin-1) made
 * every later GET fail; so form fields are checked on the way in and their non-ASCII values stored
 * RFC 2047-encoded, `=?UTF-8?B?...?=`, the form S3 returns non-US-ASCII metadata in (user guide,
 * "Working with object metadata"); and on the way out, a stored value node could not write (one
 * kept by an older version) is encoded the same way instead of failing the GET.
 */
import { s3Errors } from './s3-errors.js';

/** RFC 9110 `token`: what a header name may be. */
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Whether `text` has a control character other than horizontal tab (RFC 9110 field-value: no CR, LF, NUL, DEL). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
/** Printable US-ASCII and tab: sent as is. */
const plainPattern = /^[\u0020-\u007e\t]*$/;
/** What node writes as a header value: tab, printable ASCII and the Latin-1 bytes 0x80-0xFF. */
const writablePattern = /^[\u0020-\u007e\u0080-\u00ff\t]*$/;

/** Whether `name` may be a header name (and so a user-metadata name after `x-amz-meta-`). */
export function isHeaderName(name: string): boolean {
  return tokenPattern.test(name);
}

/**
 * Checks a form field that becomes a stored header: its name a token, its value free of control
 * characters (a tab is fine). Non-ASCII values are fine: they go out RFC 2047-encoded.
 * @throws S3Error `InvalidArgument` naming the field.
 */
export function checkHeaderField(name: string, value: string): void {
  if (!isHeaderName(name)) throw s3Errors.invalidArgument(name, '', 'The field name is not a valid HTTP header name.');
  if (hasControlCharacter(value)) throw s3Errors.invalidArgument(name, '', 'The field value contains control characters.');
}

/** A stored value as a header: as is when node can write it, else {@link mailSafeHeaderValue}. */
export function writableHeaderValue(value: string): string {
  return writablePattern.test(value) ? value : mailSafeHeaderValue(value);
}

/** A value as is when printable US-ASCII, else RFC 2047's `=?UTF-8?B?<base64 of the UTF-8>?=`. */
export function mailSafeHeaderValue(value: string): string {
  if (plainPattern.test(value)) return value;
  const bytes = new TextEncoder().encode(value);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `=?UTF-8?B?${btoa(binary)}?=`;
}
