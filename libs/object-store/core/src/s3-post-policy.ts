/**
 * The policy document of a browser-based upload (S3 API reference, "Creating a POST policy"): a
 * base64 JSON object with an `expiration` and `conditions` that every form field must satisfy.
 * Pure: the caller passes the time, the form's fields (names lower-cased) and the bucket.
 *
 * Conditions: `{"field": "value"}` and `["eq", "$field", "value"]` (exact), `["starts-with",
 * "$field", "prefix"]` (for Content-Type, a comma-separated list of prefixes), and
 * `["content-length-range", min, max]` on the file's size. Every field but `policy`, the
 * signature, `AWSAccessKeyId`, `file` and `x-ignore-*` must be named by a condition. Several
 * `content-length-range` conditions must all hold (their intersection is the range).
 *
 * A `bucket` condition is not required: S3 documents it as optional ("POST Policy", "Conditions"),
 * and a form signed without one is still authorized as its signer's PutObject on this bucket.
 */
import { S3Error } from './s3-errors.js';

export type PostPolicyCondition =
  | { readonly kind: 'eq' | 'starts-with'; readonly field: string; readonly value: string; readonly text: string }
  | { readonly kind: 'content-length-range'; readonly min: number; readonly max: number; readonly text: string };

export interface PostPolicy {
  readonly expirationMs: number;
  readonly conditions: readonly PostPolicyCondition[];
}

/** Fields a policy need not name (S3 API reference, "Creating a POST policy"). */
const exemptFields = new Set(['policy', 'x-amz-signature', 'signature', 'awsaccesskeyid', 'file']);

function invalidPolicy(message: string): S3Error {
  return new S3Error('InvalidPolicyDocument', { message: `Invalid Policy: ${message}` });
}

function denied(message: string): S3Error {
  return new S3Error('AccessDenied', { message: `Invalid according to Policy: ${message}` });
}

/**
 * Decodes and checks the shape of a policy document (the form's `policy` field, base64).
 * @throws S3Error `InvalidPolicyDocument` (not base64 JSON, no expiration or conditions, a
 *   condition S3 does not define).
 */
export function parsePostPolicy(base64: string): PostPolicy {
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(base64)) throw invalidPolicy('Invalid JSON.');
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = document as Record<string, unknown>;
  if (expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  const expirationMs = typeof expiration === 'string' ? utcTimeMsOf(expiration) : Number.NaN;
  if (!Number.isFinite(expirationMs)) throw invalidPolicy(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (conditions === undefined) throw invalidPolicy('Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy conditions must be a list.');
  return { expirationMs, conditions: (conditions as unknown[]).map(parseCondition) };
}

/**
 * ISO 8601 in UTC as S3 writes it (`2013-08-01T12:00:00.000Z`; seconds and fraction optional): a
 * time without `Z` would be read in the server's zone, and a date that does not exist (Feb 30) is
 * not quietly moved to another. NaN when it is not one.
 */
export function utcTimeMsOf(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?Z$/.exec(text);
  if (match === null) return Number.NaN;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? '0')) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(Number(`0.${match[7] ?? '0'}`) * 1000));
  const date = new Date(ms);
  const exists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return exists ? ms : Number.NaN;
}

function parseCondition(value: unknown): PostPolicyCondition {
  const text = JSON.stringify(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length !== 1 || typeof entries[0]![1] !== 'string') throw invalidPolicy(`Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.`);
    return { kind: 'eq', field: entries[0]![0].toLowerCase(), value: entries[0]![1] as string, text };
  }
  if (!Array.isArray(value) || value.length !== 3) throw invalidPolicy(`Invalid Condition: ${text}`);
  const [operator, first, second] = value as unknown[];
  const name = typeof operator === 'string' ? operator.toLowerCase() : '';
  if (name === 'content-length-range') {
    const min = Number(first);
    const max = Number(second);
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) throw invalidPolicy(`Invalid content-length-range: ${text}`);
    return { kind: 'content-length-range', min, max, text };
  }
  if (name !== 'eq' && name !== 'starts-with') throw invalidPolicy(`Invalid Condition: unknown operation ${String(operator)}`);
  if (typeof first !== 'string' || !first.startsWith('$') || typeof second !== 'string') throw invalidPolicy(`Invalid Condition: ${text}`);
  return { kind: name, field: first.slice(1).toLowerCase(), value: second, text };
}

/**
 * Checks the form against the policy, except the file's size, whose allowed range it returns.
 * @throws S3Error `AccessDenied` "Invalid according to Policy: ..." (expired, a condition failed, a
 *   field no condition names).
 */
export function checkPostPolicy(
  policy: PostPolicy,
  form: { readonly fields: ReadonlyMap<string, string>; readonly bucket: string; readonly nowMs: number },
): { readonly contentLengthRange: { readonly min: number; readonly max: number } | undefined } {
  if (policy.expirationMs <= form.nowMs) throw denied('Policy expired.');
  const valueOf = (field: string): string | undefined => (field === 'bucket' ? form.bucket : form.fields.get(field));
  const named = new Set<string>();
  let contentLengthRange: { min: number; max: number } | undefined;
  for (const condition of policy.conditions) {
    if (condition.kind === 'content-length-range') {
      // Every range holds: the file must lie in all of them (an empty intersection admits no file).
      contentLengthRange =
        contentLengthRange === undefined
          ? { min: condition.min, max: condition.max }
          : { min: Math.max(contentLengthRange.min, condition.min), max: Math.min(contentLengthRange.max, condition.max) };
      continue;
    }
    named.add(condition.field);
    const value = valueOf(condition.field) ?? '';
    const holds =
      condition.kind === 'eq'
        ? value === condition.value
        : condition.field === 'content-type'
          ? condition.value.split(',').some((prefix) => value.startsWith(prefix.trim()))
          : value.startsWith(condition.value);
    if (!holds) throw denied(`Policy Condition failed: ${condition.text}`);
  }
  for (const field of form.fields.keys()) {
    if (exemptFields.has(field) || field.startsWith('x-ignore-') || named.has(field)) continue;
    throw denied(`Extra input fields: ${field}`);
  }
  return { contentLengthRange };
}
