/**
 * Cross-origin resource sharing on a bucket (S3 user guide, "Using cross-origin resource sharing
 * (CORS)"; API reference PutBucketCors, "OPTIONS object"): the rules a bucket keeps, S3's limits on
 * them, which rule answers a request, and the Access-Control-* headers it answers with. Pure.
 *
 * A rule matches when one of its AllowedOrigin patterns matches the Origin (one `*` each, any run
 * of characters), its AllowedMethod list holds the method (the preflight's
 * Access-Control-Request-Method), and, for a preflight, every header named in
 * Access-Control-Request-Headers matches one of its AllowedHeader patterns (case-insensitive, one
 * `*` each). The first matching rule answers, as S3 evaluates them.
 */
import { S3Error } from './s3-errors.js';

export const corsMethods = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'] as const;
export type CorsMethod = (typeof corsMethods)[number];

export interface CorsRule {
  readonly id?: string;
  readonly allowedMethods: readonly CorsMethod[];
  readonly allowedOrigins: readonly string[];
  readonly allowedHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
}

/** S3's limit: at most 100 rules in a configuration. */
export const corsRuleCountMax = 100;
/**
 * S3's limit on a configuration document: 64 KB. It bounds everything a rule lists too: S3 sets no
 * limit of its own on the number or length of origins, methods or headers in a rule (150 origins
 * within 64 KB are accepted), so neither does this.
 */
export const corsConfigurationBytesMax = 64 * 1024;
/** An ID is at most 255 characters. */
export const corsRuleIdLengthMax = 255;

function invalidRequest(message: string): S3Error {
  return new S3Error('InvalidRequest', { message });
}

/**
 * Checks a configuration as S3 does at PutBucketCors; returns it unchanged.
 * @throws S3Error `MalformedXML` (no rule, too many rules, a rule without origin or method, an ID
 *   too long), `InvalidRequest` (a method S3 does not support, more than one `*` in an origin or
 *   header).
 */
export function validateCorsRules(rules: readonly CorsRule[]): readonly CorsRule[] {
  if (rules.length === 0) throw new S3Error('MalformedXML', { message: 'The XML you provided was not well-formed or did not validate against our published schema' });
  if (rules.length > corsRuleCountMax) throw new S3Error('MalformedXML', { message: `The number of CORS rules should not exceed allowed limit of ${corsRuleCountMax} rules.` });
  for (const rule of rules) {
    if (rule.allowedMethods.length === 0 || rule.allowedOrigins.length === 0) throw new S3Error('MalformedXML', { message: 'A CORSRule needs AllowedMethod and AllowedOrigin.' });
    for (const method of rule.allowedMethods) {
      if (!(corsMethods as readonly string[]).includes(method)) throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
    }
    if (rule.id !== undefined && rule.id.length > corsRuleIdLengthMax) throw new S3Error('MalformedXML', { message: `A CORSRule ID is at most ${corsRuleIdLengthMax} characters.` });
    for (const origin of rule.allowedOrigins) if (wildcardCount(origin) > 1) throw invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    for (const header of rule.allowedHeaders) if (wildcardCount(header) > 1) throw invalidRequest(`AllowedHeader "${header}" can not have more than one wildcard.`);
    if (rule.maxAgeSeconds !== undefined && (!Number.isSafeInteger(rule.maxAgeSeconds) || rule.maxAgeSeconds < 0)) throw new S3Error('MalformedXML', { message: 'MaxAgeSeconds must be a whole number of seconds.' });
  }
  return rules;
}

function wildcardCount(text: string): number {
  return text.split('*').length - 1;
}

/** `pattern` (at most one `*`, any run of characters) against `text`. */
function wildcardMatches(pattern: string, text: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === text;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return text.length >= head.length + tail.length && text.startsWith(head) && text.endsWith(tail);
}

/** What a request asks: its Origin, its method (for a preflight, Access-Control-Request-Method), and for a preflight the headers it will send. */
export interface CorsRequest {
  readonly origin: string;
  readonly method: string;
  readonly requestHeaders?: readonly string[];
}

/** The first rule that allows `request`, or undefined. */
export function corsRuleFor(rules: readonly CorsRule[], request: CorsRequest): CorsRule | undefined {
  // Header names compare case-insensitively: each side is lower-cased once, not once per pair.
  const requestHeaders = (request.requestHeaders ?? []).map((header) => header.toLowerCase());
  return rules.find((rule) => {
    if (!rule.allowedOrigins.some((pattern) => wildcardMatches(pattern, request.origin))) return false;
    if (!(rule.allowedMethods as readonly string[]).includes(request.method)) return false;
    if (requestHeaders.length === 0) return true;
    const allowedHeaders = rule.allowedHeaders.map((pattern) => pattern.toLowerCase());
    return requestHeaders.every((header) => allowedHeaders.some((pattern) => wildcardMatches(pattern, header)));
  });
}

/** The names in an Access-Control-Request-Headers value (comma-separated, blanks dropped). */
export function corsRequestHeadersOf(value: string | undefined): readonly string[] {
  return value === undefined ? [] : value.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/**
 * The Access-Control-* headers S3 answers with for a matching rule: the origin (`*` when the rule
 * allows any origin, then without credentials), the rule's methods, for a preflight the requested
 * headers and the max age, and the headers it exposes.
 */
export function corsResponseHeaders(rule: CorsRule, request: CorsRequest, options: { readonly preflight: boolean }): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const headers: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : request.origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!anyOrigin) headers['access-control-allow-credentials'] = 'true';
  if (options.preflight && request.requestHeaders !== undefined && request.requestHeaders.length > 0) headers['access-control-allow-headers'] = request.requestHeaders.join(', ');
  if (rule.exposeHeaders.length > 0) headers['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['access-control-max-age'] = String(rule.maxAgeSeconds);
  return headers;
}
