/**
 * Lifecycle in the metadata state machine: a bucket's rules as commands and snapshots carry them,
 * the ExpireLifecycle command the expiry loop proposes, and the planner that builds one such
 * command from a bounded page of a bucket's keys or uploads.
 *
 * The planner runs on the leader against its applied state, then the command goes through Raft.
 * Between the two, a client may overwrite or delete what was planned, or the rules may change, so
 * every target names the version it was decided on (versionFingerprintOf: an overwrite of a 'null'
 * version changes it; an upload by its id, never reused) and apply decides again for that version,
 * where it now is in its key's stack, under the bucket's rules now, at the command's time and day
 * length (stamped by the proposer, so every replica decides alike): a target no longer due is
 * skipped, and planned again on a later pass if it becomes due.
 */
import { assert } from '@objectbox/util';
import { objectMetadataCommandBytesMax, type FieldReader } from './object-metadata-commands.js';
import { compareUtf8, type OrderedIndex } from './object-metadata-index.js';
import { versionsOf, type VersionStack } from './object-metadata-listing.js';
import { versionFingerprintOf, type MultipartUpload, type ObjectVersion } from './object-metadata-model.js';
import type { ObjectMetadataState } from './object-metadata-machine.js';
import {
  abortingRuleOf,
  currentVersionExpiryOf,
  expiredDeleteMarkerRuleOf,
  noncurrentExpiringRuleOf,
  lifecycleDaysMax,
  lifecycleDecisionsForKey,
  lifecycleNewerNoncurrentVersionsMax,
  lifecyclePrefixesOf,
  lifecycleRuleCountMax,
  lifecycleRuleIdLengthMax,
  lifecyclePrefixBytesMax,
  lifecycleTagCountMax,
  lifecycleTagKeyLengthMax,
  lifecycleTagValueLengthMax,
  validateLifecycleRules,
  type LifecycleClock,
  type LifecycleRule,
} from './s3-lifecycle.js';

/** Most targets in one ExpireLifecycle command (as many as one DeleteObjects). */
export const lifecycleTargetCountMax = 1000;

/** One thing an ExpireLifecycle command removes, with what it was decided on (see the module comment). */
export type LifecycleTarget =
  | { readonly kind: 'ExpireCurrent'; readonly key: string; readonly ruleId: string; readonly fingerprint: string; readonly markerVersionId: string }
  | { readonly kind: 'ExpireNoncurrent'; readonly key: string; readonly ruleId: string; readonly fingerprint: string }
  | { readonly kind: 'RemoveExpiredDeleteMarker'; readonly key: string; readonly ruleId: string; readonly fingerprint: string }
  | { readonly kind: 'AbortUpload'; readonly key: string; readonly ruleId: string; readonly uploadId: string };

export interface ExpireLifecycleCommand {
  readonly op: 'ExpireLifecycle';
  readonly bucket: string;
  /** The time it was planned at: apply decides at this time, and it dates the delete markers it adds. */
  readonly lastModifiedMs: number;
  /** The lifecycle day length it was planned with, ms (a real day but in tests). */
  readonly dayLengthMs: number;
  readonly targets: readonly LifecycleTarget[];
}

/**
 * Apply's decision for an object target: whether the version at `position` of `versions` is still
 * due for what `target` says, under `rules` at `clock` (see the module comment).
 */
export function lifecycleTargetIsDue(
  rules: readonly LifecycleRule[] | undefined,
  target: Exclude<LifecycleTarget, { kind: 'AbortUpload' }>,
  versions: readonly ObjectVersion[],
  position: number,
  clock: LifecycleClock,
): boolean {
  const version = versions[position];
  if (rules === undefined || version === undefined) return false;
  switch (target.kind) {
    case 'ExpireCurrent': {
      if (position !== 0 || version.isDeleteMarker) return false;
      const expiry = currentVersionExpiryOf(rules, { key: target.key, tags: version.tags, sizeBytes: version.sizeBytes, lastModifiedMs: version.lastModifiedMs }, clock.dayLengthMs);
      return expiry !== undefined && expiry.expiryMs <= clock.nowMs;
    }
    case 'ExpireNoncurrent':
      return noncurrentExpiringRuleOf(rules, target.key, versions, position, clock) !== undefined;
    case 'RemoveExpiredDeleteMarker':
      return versions.length === 1 && version.isDeleteMarker && expiredDeleteMarkerRuleOf(rules, target.key, version, clock) !== undefined;
  }
}

const ruleIdBytesMax = lifecycleRuleIdLengthMax * 4;

/** A bucket's lifecycle rules from a command or a snapshot, checked as PutBucketLifecycleConfiguration checks them. */
export function readLifecycleRules(input: FieldReader, name: string): LifecycleRule[] {
  const rules = input.array(name, lifecycleRuleCountMax, (rule): LifecycleRule => {
    const filter = rule.object('filter');
    const expiration = rule.has('expiration') ? rule.object('expiration') : undefined;
    const noncurrent = rule.has('noncurrentVersionExpiration') ? rule.object('noncurrentVersionExpiration') : undefined;
    const days = { min: 1, max: lifecycleDaysMax };
    const sizeBound = { min: 0, max: Number.MAX_SAFE_INTEGER };
    return {
      id: rule.string('id', { bytesMax: ruleIdBytesMax }),
      status: rule.oneOf('status', ['Enabled', 'Disabled'] as const),
      filterForm: rule.oneOf('filterForm', ['Prefix', 'Filter', 'And'] as const),
      filter: {
        ...(filter.has('prefix') ? { prefix: filter.string('prefix', { bytesMax: lifecyclePrefixBytesMax }) } : {}),
        tags: filter.array('tags', lifecycleTagCountMax, (tag) => ({
          key: tag.string('key', { bytesMax: lifecycleTagKeyLengthMax * 4, bytesMin: 1 }),
          value: tag.string('value', { bytesMax: lifecycleTagValueLengthMax * 4 }),
        })),
        ...(filter.has('objectSizeGreaterThanBytes') ? { objectSizeGreaterThanBytes: filter.integer('objectSizeGreaterThanBytes', sizeBound) } : {}),
        ...(filter.has('objectSizeLessThanBytes') ? { objectSizeLessThanBytes: filter.integer('objectSizeLessThanBytes', sizeBound) } : {}),
      },
      ...(expiration === undefined
        ? {}
        : {
            expiration: {
              ...(expiration.has('days') ? { days: expiration.integer('days', days) } : {}),
              ...(expiration.has('dateMs') ? { dateMs: expiration.timeMs('dateMs') } : {}),
              ...(expiration.has('expiredObjectDeleteMarker') ? { expiredObjectDeleteMarker: expiration.boolean('expiredObjectDeleteMarker') } : {}),
            },
          }),
      ...(noncurrent === undefined
        ? {}
        : {
            noncurrentVersionExpiration: {
              noncurrentDays: noncurrent.integer('noncurrentDays', days),
              ...(noncurrent.has('newerNoncurrentVersions') ? { newerNoncurrentVersions: noncurrent.integer('newerNoncurrentVersions', { min: 1, max: lifecycleNewerNoncurrentVersionsMax }) } : {}),
            },
          }),
      ...(rule.has('abortIncompleteMultipartUploadDays') ? { abortIncompleteMultipartUploadDays: rule.integer('abortIncompleteMultipartUploadDays', days) } : {}),
    };
  });
  try {
    validateLifecycleRules(rules);
  } catch (error) {
    input.fail(name, `is not a valid lifecycle configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
  return rules;
}

/** The targets of an ExpireLifecycle command, checked field by field. */
export function readLifecycleTargets(input: FieldReader, name: string): LifecycleTarget[] {
  return input.array(name, lifecycleTargetCountMax, (target): LifecycleTarget => {
    const kind = target.oneOf('kind', ['ExpireCurrent', 'ExpireNoncurrent', 'RemoveExpiredDeleteMarker', 'AbortUpload'] as const);
    const common = { key: target.key(), ruleId: target.string('ruleId', { bytesMax: ruleIdBytesMax }) };
    switch (kind) {
      case 'ExpireCurrent':
        return { kind, ...common, fingerprint: target.string('fingerprint', { bytesMax: 1024, bytesMin: 1 }), markerVersionId: target.id('markerVersionId') };
      case 'ExpireNoncurrent':
      case 'RemoveExpiredDeleteMarker':
        return { kind, ...common, fingerprint: target.string('fingerprint', { bytesMax: 1024, bytesMin: 1 }) };
      case 'AbortUpload':
        return { kind, ...common, uploadId: target.id('uploadId') };
    }
  });
}

/**
 * Where the expiry loop is in its pass over all buckets: the bucket, whether it walks the bucket's
 * keys or its uploads, and the last key done (for uploads, every upload of that key). Undefined: at
 * the start of a pass.
 */
export interface LifecycleCursor {
  readonly bucket: string;
  readonly phase: 'objects' | 'uploads';
  /** The last key walked (exclusive start of the next page); '' at the start of a phase. */
  readonly afterKey: string;
}

/** Work bounds of one planned page. */
export interface LifecyclePageLimits {
  /** Keys (or upload keys) looked at, including ones no rule selects. */
  readonly keyCountMax: number;
  /**
   * Versions looked at: the page ends after the key that reaches it (a key with many versions is
   * still looked at whole, at O(versions × rules)).
   */
  readonly versionCountMax: number;
  /** Buckets without rules skipped while looking for one with rules. */
  readonly bucketCountMax: number;
  /** Targets in the command (at most {@link lifecycleTargetCountMax}). */
  readonly targetCountMax: number;
}

/** One planned page: a command to propose (when there is something to expire) and where to go on. */
export interface LifecyclePage {
  readonly command: ExpireLifecycleCommand | undefined;
  /** Undefined: the pass is complete. */
  readonly next: LifecycleCursor | undefined;
  readonly keyCount: number;
}

/**
 * Plans one bounded page from `cursor`: at most `limits.keyCountMax` keys of one bucket, jumping
 * over keys no rule's prefix selects (the ordered index seeks to the next prefix). Pure over the
 * state it is given; `newVersionId` stamps the delete markers an ExpireCurrent in a bucket with
 * versioning Enabled will add.
 */
export function planLifecyclePage(
  state: ObjectMetadataState,
  cursor: LifecycleCursor | undefined,
  options: { readonly clock: LifecycleClock; readonly limits: LifecyclePageLimits; readonly newVersionId: () => string },
): LifecyclePage {
  const { limits } = options;
  assert(limits.targetCountMax >= 1 && limits.targetCountMax <= lifecycleTargetCountMax, 'targetCountMax is 1..lifecycleTargetCountMax');
  let position = cursor ?? { bucket: '', phase: 'objects', afterKey: '' };
  let bucketIndex = state.buckets.seek(position.bucket, { exclusive: false });
  for (let skipped = 0; skipped < limits.bucketCountMax && !state.buckets.isEnd(bucketIndex); skipped++) {
    const name = state.buckets.keyAt(bucketIndex);
    const bucketState = state.buckets.valueAt(bucketIndex);
    const rules = bucketState.bucket.lifecycle;
    if (name !== position.bucket) position = { bucket: name, phase: 'objects', afterKey: '' };
    if (rules !== undefined && rules.some((rule) => rule.status === 'Enabled')) {
      const walk = position.phase === 'objects' ? walkObjects(bucketState.objects, rules, position.afterKey, options) : walkUploads(bucketState.uploads, rules, position.afterKey, options);
      const command =
        walk.targets.length === 0 ? undefined : { op: 'ExpireLifecycle' as const, bucket: name, lastModifiedMs: options.clock.nowMs, dayLengthMs: options.clock.dayLengthMs, targets: walk.targets };
      if (walk.lastKey !== undefined) return { command, next: { bucket: name, phase: position.phase, afterKey: walk.lastKey }, keyCount: walk.keyCount };
      if (position.phase === 'objects') return { command, next: { bucket: name, phase: 'uploads', afterKey: '' }, keyCount: walk.keyCount };
      // The bucket is done: the page ends here, so one page stays one bucket's command.
      return { command, next: nextBucketCursor(state, bucketIndex), keyCount: walk.keyCount };
    }
    bucketIndex = state.buckets.next(bucketIndex);
    if (state.buckets.isEnd(bucketIndex)) return { command: undefined, next: undefined, keyCount: 0 };
    position = { bucket: state.buckets.keyAt(bucketIndex), phase: 'objects', afterKey: '' };
  }
  return { command: undefined, next: state.buckets.isEnd(bucketIndex) ? undefined : position, keyCount: 0 };
}

/** The start of the bucket after the one at `bucketIndex`, or undefined (the pass is complete). */
function nextBucketCursor(state: ObjectMetadataState, bucketIndex: ReturnType<ObjectMetadataState['buckets']['first']>): LifecycleCursor | undefined {
  const next = state.buckets.next(bucketIndex);
  return state.buckets.isEnd(next) ? undefined : { bucket: state.buckets.keyAt(next), phase: 'objects', afterKey: '' };
}

interface Walk {
  readonly targets: LifecycleTarget[];
  /** The last key looked at when the page filled up; undefined when the phase reached its end. */
  readonly lastKey: string | undefined;
  readonly keyCount: number;
}

/**
 * Visits the keys after `afterKey` under the rules' prefixes, in index order, calling `visit` until
 * it returns false (full) or `keyCountMax` keys were seen.
 */
function walkPrefixed<V>(index: OrderedIndex<V>, prefixes: readonly string[], afterKey: string, keyCountMax: number, visit: (key: string, value: V) => boolean): Omit<Walk, 'targets'> {
  let cursor = afterKey === '' ? index.first() : index.seek(afterKey, { exclusive: true });
  let keyCount = 0;
  while (!index.isEnd(cursor)) {
    const key = index.keyAt(cursor);
    if (!prefixes.some((prefix) => key.startsWith(prefix))) {
      // The next prefix after this key, if any: no key in between is selected.
      const nextPrefix = prefixes.find((prefix) => compareUtf8(prefix, key) > 0);
      if (nextPrefix === undefined) return { lastKey: undefined, keyCount };
      cursor = index.seek(nextPrefix, { exclusive: false });
      continue;
    }
    keyCount++;
    if (!visit(key, index.valueAt(cursor)) || keyCount >= keyCountMax) return { lastKey: key, keyCount };
    cursor = index.next(cursor);
  }
  return { lastKey: undefined, keyCount };
}

function fingerprintOf(version: ObjectVersion): string {
  return versionFingerprintOf(version);
}

/**
 * A page's targets stop at half a command's size limit: keys may hold control characters, which JSON
 * writes as 6 bytes each, so 1,000 targets of 1,024-byte keys could exceed the limit, fail to encode
 * every time and hold the pass on that page for good.
 */
function pageTargetBytesMax(): number {
  // A function, not a constant: object-metadata-commands.js imports this module (an import cycle).
  return objectMetadataCommandBytesMax / 2;
}

/** An upper bound of a target's bytes in the encoded command (JSON, every string at 6 bytes a character). */
function targetBytesBound(target: LifecycleTarget): number {
  const text = target.key.length + target.ruleId.length + ('fingerprint' in target ? target.fingerprint.length : 0) + ('uploadId' in target ? target.uploadId.length : 0);
  return 6 * text + 256; // field names, kind, marker version id
}

function walkObjects(
  objects: OrderedIndex<VersionStack>,
  rules: readonly LifecycleRule[],
  afterKey: string,
  options: { readonly clock: LifecycleClock; readonly limits: LifecyclePageLimits; readonly newVersionId: () => string },
): Walk {
  const targets: LifecycleTarget[] = [];
  const prefixes = lifecyclePrefixesOf(rules, { uploads: false });
  let versionCount = 0;
  let targetBytes = 0;
  const walked = walkPrefixed(objects, prefixes, afterKey, options.limits.keyCountMax, (key, stack) => {
    const versions = versionsOf(stack);
    versionCount += versions.length;
    const room = options.limits.targetCountMax - targets.length;
    for (const decision of lifecycleDecisionsForKey(rules, key, versions, options.clock, room)) {
      const version = decision.version as ObjectVersion;
      const common = { key, ruleId: decision.ruleId, fingerprint: fingerprintOf(version) };
      const target: LifecycleTarget = decision.kind === 'ExpireCurrent' ? { kind: decision.kind, ...common, markerVersionId: options.newVersionId() } : { kind: decision.kind, ...common };
      targets.push(target);
      targetBytes += targetBytesBound(target);
      if (targetBytes >= pageTargetBytesMax()) return false;
    }
    return targets.length < options.limits.targetCountMax && versionCount < options.limits.versionCountMax;
  });
  return { targets, ...walked };
}

function walkUploads(
  uploads: OrderedIndex<readonly MultipartUpload[]>,
  rules: readonly LifecycleRule[],
  afterKey: string,
  options: { readonly clock: LifecycleClock; readonly limits: LifecyclePageLimits },
): Walk {
  const targets: LifecycleTarget[] = [];
  const prefixes = lifecyclePrefixesOf(rules, { uploads: true });
  if (prefixes.length === 0) return { targets, lastKey: undefined, keyCount: 0 };
  let targetBytes = 0;
  const walked = walkPrefixed(uploads, prefixes, afterKey, options.limits.keyCountMax, (key, ofKey) => {
    for (const upload of ofKey) {
      if (targets.length >= options.limits.targetCountMax || targetBytes >= pageTargetBytesMax()) return false;
      const ruleId = abortingRuleOf(rules, key, upload.initiatedAtMs, options.clock);
      if (ruleId === undefined) continue;
      const target: LifecycleTarget = { kind: 'AbortUpload', key, ruleId, uploadId: upload.uploadId };
      targets.push(target);
      targetBytes += targetBytesBound(target);
    }
    return targets.length < options.limits.targetCountMax;
  });
  return { targets, ...walked };
}
