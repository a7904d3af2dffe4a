/**
 * Bucket lifecycle (S3 user guide, "Managing the lifecycle of objects"; API reference
 * PutBucketLifecycleConfiguration, LifecycleRule, LifecycleRuleFilter): the rules a bucket keeps,
 * S3's checks on them, and when a rule expires what. Pure: the time and the length of a day are
 * arguments, so tests (and the test-only debug day length of the expiry loop) run in seconds.
 *
 * Expiry, as S3 computes it: an object expires at midnight UTC after its creation time plus `Days`
 * (created 2014-01-15 10:30 with Days 3: expires 2014-01-19 00:00), or from `Date` on (a midnight
 * UTC). A noncurrent version expires `NoncurrentDays` after it became noncurrent (the time its
 * successor was written), rounded the same way, unless it is one of the `NewerNoncurrentVersions`
 * newest noncurrent versions. An incomplete multipart upload is aborted `DaysAfterInitiation` after
 * it was initiated, rounded the same way. "Midnight" is a multiple of the day length since the
 * epoch, so a shortened debug day keeps S3's rounding rule.
 *
 * Transition and NoncurrentVersionTransition are refused (501 NotImplemented): this store has one
 * storage class, so a transition could only be stored and never happen, and a client relying on it
 * (to archive, or to account for cost) would be misled by a silent accept.
 */
import { compareUtf8 } from './object-metadata-index.js';
import { S3Error, s3Errors } from './s3-errors.js';

/** S3's limit: at most 1,000 rules in a configuration. */
export const lifecycleRuleCountMax = 1000;
/** A rule's ID is at most 255 characters. */
export const lifecycleRuleIdLengthMax = 255;
/** NewerNoncurrentVersions is 1..100 (S3 API reference, NoncurrentVersionExpiration). */
export const lifecycleNewerNoncurrentVersionsMax = 100;
/** Largest Days / NoncurrentDays / DaysAfterInitiation accepted (S3 takes an int32). */
export const lifecycleDaysMax = 2 ** 31 - 1;
/** A lifecycle document is at most this big (1,000 rules of a few hundred bytes each). */
export const lifecycleConfigurationBytesMax = 1024 * 1024;
/** Tag limits of S3 (keys 128, values 256 characters). */
export const lifecycleTagKeyLengthMax = 128;
/** A rule's Prefix: an object key's limit. */
export const lifecyclePrefixBytesMax = 1024;
/** Tags in one rule's filter. */
export const lifecycleTagCountMax = 50;
/** The last Date a rule may name, 9999-12-31 (the Raft command's field limit too). */
export const lifecycleDateMsMax = Date.UTC(9999, 11, 31);
export const lifecycleTagValueLengthMax = 256;
/** The length of a real day, ms: the default of every day-length argument. */
export const dayLengthMsDefault = 86_400_000;

export type LifecycleRuleStatus = 'Enabled' | 'Disabled';

export interface LifecycleTag {
  readonly key: string;
  readonly value: string;
}

/**
 * What a rule selects. Every condition present must hold: the key starts with `prefix`, the object
 * carries every tag (same value), its size is strictly above `objectSizeGreaterThanBytes` and
 * strictly below `objectSizeLessThanBytes`.
 */
export interface LifecycleFilter {
  readonly prefix?: string;
  readonly tags: readonly LifecycleTag[];
  readonly objectSizeGreaterThanBytes?: number;
  readonly objectSizeLessThanBytes?: number;
}

/**
 * How the filter was written, so GetBucketLifecycleConfiguration answers it as put: the legacy
 * rule-level `<Prefix>`, a `<Filter>` with at most one condition, or a `<Filter><And>`.
 */
export type LifecycleFilterForm = 'Prefix' | 'Filter' | 'And';

export interface LifecycleExpiration {
  readonly days?: number;
  /** A midnight UTC, ms since the epoch. */
  readonly dateMs?: number;
  readonly expiredObjectDeleteMarker?: boolean;
}

export interface LifecycleNoncurrentVersionExpiration {
  readonly noncurrentDays: number;
  readonly newerNoncurrentVersions?: number;
}

export interface LifecycleRule {
  /** Given, or assigned at PutBucketLifecycleConfiguration (S3 assigns one too). */
  readonly id: string;
  readonly status: LifecycleRuleStatus;
  readonly filterForm: LifecycleFilterForm;
  readonly filter: LifecycleFilter;
  readonly expiration?: LifecycleExpiration;
  readonly noncurrentVersionExpiration?: LifecycleNoncurrentVersionExpiration;
  readonly abortIncompleteMultipartUploadDays?: number;
}

const invalidArgument = (message: string): S3Error => new S3Error('InvalidArgument', { message });
const invalidRequest = (message: string): S3Error => new S3Error('InvalidRequest', { message });

function checkDays(value: number | undefined, what: string): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value <= 0 || value > lifecycleDaysMax) throw invalidArgument(`'${what}' must be a positive integer`);
}

/**
 * Checks rules as S3 does at PutBucketLifecycleConfiguration; returns them unchanged.
 * @throws S3Error `MalformedXML` (no rule, more than 1,000, an Expiration with none or more than one
 *   of Days, Date and ExpiredObjectDeleteMarker), `InvalidArgument` (an ID over 255 characters or used
 *   twice, Days / NoncurrentDays / DaysAfterInitiation not positive, a Date not at midnight UTC,
 *   NewerNoncurrentVersions out of 1..100, a size bound negative), `InvalidRequest` (a rule without
 *   an action, ExpiredObjectDeleteMarker or AbortIncompleteMultipartUpload with a tag filter, a tag
 *   key twice, ObjectSizeGreaterThan not below ObjectSizeLessThan).
 */
export function validateLifecycleRules(rules: readonly LifecycleRule[]): readonly LifecycleRule[] {
  if (rules.length === 0) throw s3Errors.malformedXml('a LifecycleConfiguration needs at least one Rule');
  if (rules.length > lifecycleRuleCountMax) throw s3Errors.malformedXml(`a LifecycleConfiguration has at most ${lifecycleRuleCountMax} rules`);
  const ids = new Set<string>();
  for (const rule of rules) {
    if (rule.id.length > lifecycleRuleIdLengthMax) throw invalidArgument(`ID length should not exceed allowed limit of ${lifecycleRuleIdLengthMax}`);
    if (ids.has(rule.id)) throw invalidArgument('Rule ID must be unique. Found same ID for more than one rule');
    ids.add(rule.id);
    if (rule.status !== 'Enabled' && rule.status !== 'Disabled') throw s3Errors.malformedXml('Status must be Enabled or Disabled');
    validateFilter(rule);
    validateActions(rule);
  }
  return rules;
}

function validateFilter(rule: LifecycleRule): void {
  const { filter } = rule;
  // S3's key limits; the Raft command's decoder holds rules to the same ones.
  if (filter.prefix !== undefined && Buffer.byteLength(filter.prefix, 'utf8') > lifecyclePrefixBytesMax) {
    throw invalidArgument(`The Prefix is longer than ${lifecyclePrefixBytesMax} bytes`);
  }
  if (filter.tags.length > lifecycleTagCountMax) throw invalidRequest(`A filter has at most ${lifecycleTagCountMax} tags`);
  const keys = new Set<string>();
  for (const tag of filter.tags) {
    if (tag.key.length === 0 || tag.key.length > lifecycleTagKeyLengthMax) throw new S3Error('InvalidTag', { message: 'The TagKey you have provided is invalid' });
    if (tag.value.length > lifecycleTagValueLengthMax) throw new S3Error('InvalidTag', { message: 'The TagValue you have provided is invalid' });
    if (keys.has(tag.key)) throw invalidRequest('Duplicate Tag Keys are not allowed.');
    keys.add(tag.key);
  }
  const above = filter.objectSizeGreaterThanBytes;
  const below = filter.objectSizeLessThanBytes;
  for (const bound of [above, below]) {
    if (bound !== undefined && (!Number.isSafeInteger(bound) || bound < 0)) throw invalidArgument('ObjectSizeGreaterThan and ObjectSizeLessThan must be non-negative integers');
  }
  if (above !== undefined && below !== undefined && above >= below) throw invalidRequest('ObjectSizeGreaterThan must be less than ObjectSizeLessThan');
  const conditionCount = (filter.prefix === undefined ? 0 : 1) + filter.tags.length + (above === undefined ? 0 : 1) + (below === undefined ? 0 : 1);
  if (rule.filterForm === 'Prefix' && (filter.prefix === undefined || conditionCount > 1)) throw s3Errors.malformedXml('a rule-level Prefix takes no other condition');
  if (rule.filterForm === 'Filter' && conditionCount > 1) throw s3Errors.malformedXml('a Filter takes one condition; use And to combine them');
}

function validateActions(rule: LifecycleRule): void {
  const { expiration, noncurrentVersionExpiration: noncurrent } = rule;
  if (expiration === undefined && noncurrent === undefined && rule.abortIncompleteMultipartUploadDays === undefined) {
    throw invalidRequest('At least one action needs to be specified in a rule');
  }
  if (expiration !== undefined) {
    const given = [expiration.days, expiration.dateMs, expiration.expiredObjectDeleteMarker].filter((value) => value !== undefined).length;
    if (given !== 1) throw s3Errors.malformedXml('Expiration takes exactly one of Days, Date and ExpiredObjectDeleteMarker');
    checkDays(expiration.days, 'Days');
    if (expiration.dateMs !== undefined && (!Number.isSafeInteger(expiration.dateMs) || expiration.dateMs % dayLengthMsDefault !== 0)) throw invalidArgument("'Date' must be at midnight GMT");
    if (expiration.dateMs !== undefined && (expiration.dateMs < 0 || expiration.dateMs > lifecycleDateMsMax)) throw invalidArgument("'Date' must be between 1970 and 9999");
    if (expiration.expiredObjectDeleteMarker !== undefined && rule.filter.tags.length > 0) {
      throw invalidRequest('ExpiredObjectDeleteMarker cannot be specified with a tag-based filter');
    }
    // S3 refuses it (aws-cli#8239): a delete marker has no size.
    if (expiration.expiredObjectDeleteMarker !== undefined && hasSizeCondition(rule)) {
      throw s3Errors.malformedXml('ExpiredObjectDeleteMarker cannot be specified with an object size filter');
    }
  }
  if (noncurrent !== undefined) {
    checkDays(noncurrent.noncurrentDays, 'NoncurrentDays');
    const newer = noncurrent.newerNoncurrentVersions;
    if (newer !== undefined && (!Number.isSafeInteger(newer) || newer < 1 || newer > lifecycleNewerNoncurrentVersionsMax)) {
      throw invalidArgument(`'NewerNoncurrentVersions' must be an integer from 1 to ${lifecycleNewerNoncurrentVersionsMax}`);
    }
  }
  if (rule.abortIncompleteMultipartUploadDays !== undefined) {
    checkDays(rule.abortIncompleteMultipartUploadDays, 'DaysAfterInitiation');
    if (rule.filter.tags.length > 0) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
    // An upload has no size yet: S3 refuses the combination rather than ignore the condition.
    if (hasSizeCondition(rule)) throw invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Object Size.');
  }
}

function hasSizeCondition(rule: LifecycleRule): boolean {
  return rule.filter.objectSizeGreaterThanBytes !== undefined || rule.filter.objectSizeLessThanBytes !== undefined;
}

/**
 * The first midnight (a multiple of `dayLengthMs` since the epoch) after `startMs` plus `days`
 * days; at an exact midnight, the next one (S3: "rounding the resulting time to the next day
 * midnight UTC"; MinIO's expectedExpiryTime rounds the same way).
 */
export function lifecycleExpiryMs(startMs: number, days: number, dayLengthMs: number): number {
  return Math.floor((startMs + (days + 1) * dayLengthMs) / dayLengthMs) * dayLengthMs;
}

/** What a filter is tested on; `sizeBytes` undefined (a delete marker, an upload) ignores the size conditions. */
export interface LifecycleSubject {
  readonly key: string;
  readonly tags: readonly LifecycleTag[];
  readonly sizeBytes: number | undefined;
}

/** Whether `rule`'s filter selects `subject` (see {@link LifecycleFilter}). */
export function lifecycleFilterMatches(filter: LifecycleFilter, subject: LifecycleSubject): boolean {
  if (filter.prefix !== undefined && !subject.key.startsWith(filter.prefix)) return false;
  for (const tag of filter.tags) if (!subject.tags.some((candidate) => candidate.key === tag.key && candidate.value === tag.value)) return false;
  if (subject.sizeBytes !== undefined) {
    if (filter.objectSizeGreaterThanBytes !== undefined && !(subject.sizeBytes > filter.objectSizeGreaterThanBytes)) return false;
    if (filter.objectSizeLessThanBytes !== undefined && !(subject.sizeBytes < filter.objectSizeLessThanBytes)) return false;
  }
  return true;
}

/** When a current version expires, and by which rule. */
export interface LifecycleExpiry {
  readonly expiryMs: number;
  readonly ruleId: string;
}

/**
 * The earliest expiry that an enabled rule with an Expiration Days or Date sets for a current
 * object (`lastModifiedMs`: its creation), or undefined: what `x-amz-expiration` reports and when
 * the expiry loop expires it. On a tie the first rule wins.
 */
export function currentVersionExpiryOf(
  rules: readonly LifecycleRule[],
  object: LifecycleSubject & { readonly lastModifiedMs: number },
  dayLengthMs: number,
): LifecycleExpiry | undefined {
  let earliest: LifecycleExpiry | undefined;
  for (const rule of rules) {
    const expiration = rule.expiration;
    if (rule.status !== 'Enabled' || expiration === undefined || !lifecycleFilterMatches(rule.filter, object)) continue;
    const expiryMs = expiration.days !== undefined ? lifecycleExpiryMs(object.lastModifiedMs, expiration.days, dayLengthMs) : expiration.dateMs;
    // Days up to 2^31 - 1 are accepted; past JS's last date (year 275760) an expiry never comes.
    if (expiryMs === undefined || expiryMs > jsDateMsMax) continue;
    if (earliest === undefined || expiryMs < earliest.expiryMs) earliest = { expiryMs, ruleId: rule.id };
  }
  return earliest;
}

/** The largest time a JS Date holds (ECMAScript's time value range). */
const jsDateMsMax = 8.64e15;

/** The `x-amz-expiration` value S3 sends: `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="..."`. */
export function expirationHeaderValue(expiry: LifecycleExpiry): string {
  return `expiry-date="${new Date(expiry.expiryMs).toUTCString()}", rule-id="${expiry.ruleId.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** The one version of a key the planner looks at, with what it needs of it. */
export interface LifecycleVersion {
  readonly versionId: string;
  readonly isDeleteMarker: boolean;
  readonly lastModifiedMs: number;
  readonly sizeBytes: number;
  readonly tags: readonly LifecycleTag[];
}

/** The time and day length of one evaluation. */
export interface LifecycleClock {
  readonly nowMs: number;
  readonly dayLengthMs: number;
}

/**
 * What the expiry loop decides for one key, newest first: expire the current version (delete it, or
 * put a delete marker in a versioned bucket), remove a noncurrent version, or remove an expired
 * object delete marker. Each names the version (by its position's id) it was decided on.
 */
export type LifecycleKeyDecision =
  | { readonly kind: 'ExpireCurrent'; readonly ruleId: string; readonly version: LifecycleVersion }
  | { readonly kind: 'ExpireNoncurrent'; readonly ruleId: string; readonly version: LifecycleVersion }
  | { readonly kind: 'RemoveExpiredDeleteMarker'; readonly ruleId: string; readonly version: LifecycleVersion };

/**
 * The lifecycle decisions for one key whose versions are `versions` (newest first, as stored), at
 * most `decisionCountMax` of them. Pure; see the module comment for the rules.
 */
export function lifecycleDecisionsForKey(
  rules: readonly LifecycleRule[],
  key: string,
  versions: readonly LifecycleVersion[],
  clock: LifecycleClock,
  decisionCountMax: number,
): LifecycleKeyDecision[] {
  const decisions: LifecycleKeyDecision[] = [];
  const latest = versions[0];
  if (latest === undefined) return decisions;
  if (!latest.isDeleteMarker) {
    const expiry = currentVersionExpiryOf(rules, { key, tags: latest.tags, sizeBytes: latest.sizeBytes, lastModifiedMs: latest.lastModifiedMs }, clock.dayLengthMs);
    if (expiry !== undefined && expiry.expiryMs <= clock.nowMs) decisions.push({ kind: 'ExpireCurrent', ruleId: expiry.ruleId, version: latest });
  } else if (versions.length === 1) {
    const ruleId = expiredDeleteMarkerRuleOf(rules, key, latest, clock);
    if (ruleId !== undefined) decisions.push({ kind: 'RemoveExpiredDeleteMarker', ruleId, version: latest });
  }
  for (let position = 1; position < versions.length && decisions.length < decisionCountMax; position++) {
    const ruleId = noncurrentExpiringRuleOf(rules, key, versions, position, clock);
    if (ruleId !== undefined) decisions.push({ kind: 'ExpireNoncurrent', ruleId, version: versions[position]! });
  }
  return decisions.slice(0, decisionCountMax);
}

/**
 * The enabled rule that expires the noncurrent version at `position` (≥ 1) of `versions` now, if
 * any: it became noncurrent when the version above it was written, and `position - 1` noncurrent
 * versions are newer than it (the newest NewerNoncurrentVersions are kept).
 */
export function noncurrentExpiringRuleOf(rules: readonly LifecycleRule[], key: string, versions: readonly LifecycleVersion[], position: number, clock: LifecycleClock): string | undefined {
  const version = versions[position];
  const successor = versions[position - 1];
  if (position < 1 || version === undefined || successor === undefined) return undefined;
  const subject = { key, tags: version.tags, sizeBytes: version.isDeleteMarker ? undefined : version.sizeBytes };
  const rule = rules.find((candidate) => {
    const action = candidate.noncurrentVersionExpiration;
    if (candidate.status !== 'Enabled' || action === undefined || !lifecycleFilterMatches(candidate.filter, subject)) return false;
    if (position - 1 < (action.newerNoncurrentVersions ?? 0)) return false;
    return lifecycleExpiryMs(successor.lastModifiedMs, action.noncurrentDays, clock.dayLengthMs) <= clock.nowMs;
  });
  return rule?.id;
}

/**
 * The rule that removes a lone delete marker: one with ExpiredObjectDeleteMarker, or (S3 user
 * guide, "Managing delete markers") one whose Expiration Days or Date the marker has outlived.
 */
export function expiredDeleteMarkerRuleOf(rules: readonly LifecycleRule[], key: string, marker: LifecycleVersion, clock: LifecycleClock): string | undefined {
  const subject = { key, tags: [], sizeBytes: undefined };
  for (const rule of rules) {
    const expiration = rule.expiration;
    if (rule.status !== 'Enabled' || expiration === undefined || !lifecycleFilterMatches(rule.filter, subject)) continue;
    if (expiration.expiredObjectDeleteMarker === true) return rule.id;
    const expiryMs = expiration.days !== undefined ? lifecycleExpiryMs(marker.lastModifiedMs, expiration.days, clock.dayLengthMs) : expiration.dateMs;
    if (expiryMs !== undefined && expiryMs <= clock.nowMs) return rule.id;
  }
  return undefined;
}

/** The enabled rule that aborts an upload of `key` initiated at `initiatedAtMs`, if its time has come. */
export function abortingRuleOf(rules: readonly LifecycleRule[], key: string, initiatedAtMs: number, clock: LifecycleClock): string | undefined {
  const subject = { key, tags: [], sizeBytes: undefined };
  const rule = rules.find((candidate) => {
    const days = candidate.abortIncompleteMultipartUploadDays;
    if (candidate.status !== 'Enabled' || days === undefined || !lifecycleFilterMatches(candidate.filter, subject)) return false;
    return lifecycleExpiryMs(initiatedAtMs, days, clock.dayLengthMs) <= clock.nowMs;
  });
  return rule?.id;
}

/**
 * The key prefixes under which an enabled rule may act, sorted and without any that another
 * covers; `['']` when some rule selects every key. The expiry loop seeks from one to the next
 * instead of walking keys no rule selects.
 */
export function lifecyclePrefixesOf(rules: readonly LifecycleRule[], options: { readonly uploads: boolean }): readonly string[] {
  const prefixes = rules
    .filter((rule) => rule.status === 'Enabled' && (options.uploads ? rule.abortIncompleteMultipartUploadDays !== undefined : rule.expiration !== undefined || rule.noncurrentVersionExpiration !== undefined))
    .map((rule) => rule.filter.prefix ?? '')
    .sort(compareUtf8);
  return prefixes.filter((prefix, index) => !prefixes.slice(0, index).some((earlier) => prefix.startsWith(earlier)));
}
