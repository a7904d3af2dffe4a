import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MachineDriver } from './object-metadata-fixtures.spec-helper.js';
import { commonPrefixOf, decodeContinuationToken, encodeContinuationToken, pageParts } from './object-metadata-listing.js';

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const keyArbitrary = fc.string({ unit: fc.constantFrom('a', 'b', '/', '\u{e000}', '\u{1f600}'), minLength: 1, maxLength: 5 });
const operationsArbitrary = fc.array(fc.tuple(fc.constantFrom('put', 'put', 'put', 'delete'), keyArbitrary), { minLength: 0, maxLength: 60, size: 'max' });
const delimiterArbitrary = fc.constantFrom(undefined, '/', 'a', '\u{1f600}', 'b/');
const prefixArbitrary = fc.constantFrom('', 'a', 'a/', 'b', '\u{e000}', '/');

type Entry = string; // 'k:<key>' or 'p:<prefix>' or 'v:<key>#<versionId>'

/** The brute-force listing: every visible item after `after`, rolled up, in UTF-8 order. */
function modelEntries(items: readonly { key: string; label: Entry }[], options: { prefix: string; delimiter: string | undefined; after: string | undefined }): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const { key, label } of items) {
    if (!key.startsWith(options.prefix)) continue;
    if (options.after !== undefined && utf8Order(key, options.after) <= 0) continue;
    const prefix = commonPrefixOf(key, options.prefix, options.delimiter);
    if (prefix === undefined) entries.push(label);
    else if (prefix !== options.after && !seen.has(prefix)) {
      seen.add(prefix);
      entries.push(`p:${prefix}`);
    }
  }
  return entries;
}

function build(operations: readonly (readonly [string, string])[], versioned: boolean): MachineDriver {
  const driver = new MachineDriver();
  driver.createBucket('b', versioned ? 'Enabled' : undefined);
  for (const [operation, key] of operations) {
    if (operation === 'put') driver.put('b', key);
    else driver.delete('b', key);
  }
  return driver;
}

function visibleKeys(driver: MachineDriver): { key: string; label: Entry }[] {
  const all = driver.machine.listObjectVersions('b', { maxKeys: 1000 });
  assert.ok(all.ok);
  return all.value.versions.filter((entry) => entry.isLatest && !entry.version.isDeleteMarker).map((entry) => ({ key: entry.key, label: `k:${entry.key}` }));
}

describe('listObjects against a brute-force model', () => {
  it('v1: paging with any max-keys yields exactly the model listing', () => {
    fc.assert(
      fc.property(operationsArbitrary, fc.boolean(), prefixArbitrary, delimiterArbitrary, fc.integer({ min: 1, max: 7 }), fc.option(keyArbitrary, { nil: undefined }), (operations, versioned, prefix, delimiter, maxKeys, startMarker) => {
        const driver = build(operations, versioned);
        const expected = modelEntries(visibleKeys(driver), { prefix, delimiter, after: startMarker });
        const actual: Entry[] = [];
        let marker = startMarker;
        for (let page = 0; page < 200; page++) {
          const reply = driver.machine.listObjectsV1('b', { prefix, ...(delimiter === undefined ? {} : { delimiter }), ...(marker === undefined ? {} : { marker }), maxKeys });
          assert.ok(reply.ok);
          const { contents, commonPrefixes, isTruncated, nextMarker } = reply.value;
          assert.ok(contents.length + commonPrefixes.length <= maxKeys);
          // Within one page S3 returns Contents and CommonPrefixes separately; merge them back in order.
          const merged = [...contents.map((entry) => entry.key), ...commonPrefixes].sort(utf8Order);
          actual.push(...merged.map((text) => (commonPrefixes.includes(text) ? `p:${text}` : `k:${text}`)));
          if (!isTruncated) break;
          assert.ok(nextMarker !== undefined && contents.length + commonPrefixes.length === maxKeys);
          marker = nextMarker;
        }
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 300 },
    );
  });

  it('v2: paging by continuation token (with start-after on the first page) yields the model listing', () => {
    fc.assert(
      fc.property(operationsArbitrary, prefixArbitrary, delimiterArbitrary, fc.integer({ min: 1, max: 7 }), fc.option(keyArbitrary, { nil: undefined }), (operations, prefix, delimiter, maxKeys, startAfter) => {
        const driver = build(operations, true);
        const expected = modelEntries(visibleKeys(driver), { prefix, delimiter, after: startAfter });
        const actual: Entry[] = [];
        let token: string | undefined;
        for (let page = 0; page < 200; page++) {
          const reply = driver.machine.listObjectsV2('b', {
            prefix,
            ...(delimiter === undefined ? {} : { delimiter }),
            ...(startAfter === undefined ? {} : { startAfter }),
            ...(token === undefined ? {} : { continuationToken: token }),
            maxKeys,
          });
          assert.ok(reply.ok);
          const { contents, commonPrefixes, isTruncated, nextContinuationToken, keyCount } = reply.value;
          assert.equal(keyCount, contents.length + commonPrefixes.length);
          const merged = [...contents.map((entry) => entry.key), ...commonPrefixes].sort(utf8Order);
          actual.push(...merged.map((text) => (commonPrefixes.includes(text) ? `p:${text}` : `k:${text}`)));
          if (!isTruncated) break;
          token = nextContinuationToken;
          assert.ok(token !== undefined);
        }
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 300 },
    );
  });

  it('ListObjectVersions: paging by key and version-id markers yields every version, newest first per key', () => {
    fc.assert(
      fc.property(operationsArbitrary, fc.boolean(), prefixArbitrary, delimiterArbitrary, fc.integer({ min: 1, max: 7 }), (operations, versioned, prefix, delimiter, maxKeys) => {
        const driver = build(operations, versioned);
        const all = driver.machine.listObjectVersions('b', { maxKeys: 1000 });
        assert.ok(all.ok);
        const items = all.value.versions.map((entry) => ({ key: entry.key, label: `v:${entry.key}#${entry.version.versionId}` }));
        assert.deepEqual(items.map((item) => item.key), items.map((item) => item.key).sort(utf8Order), 'keys ascend in UTF-8 order');
        const expected = modelEntries(items, { prefix, delimiter, after: undefined });
        const actual: Entry[] = [];
        let keyMarker: string | undefined;
        let versionIdMarker: string | undefined;
        for (let page = 0; page < 500; page++) {
          const reply = driver.machine.listObjectVersions('b', {
            prefix,
            ...(delimiter === undefined ? {} : { delimiter }),
            ...(keyMarker === undefined ? {} : { keyMarker }),
            ...(versionIdMarker === undefined ? {} : { versionIdMarker }),
            maxKeys,
          });
          assert.ok(reply.ok);
          const page = reply.value;
          const versions = page.versions.map((entry) => ({ sortKey: entry.key, label: `v:${entry.key}#${entry.version.versionId}` }));
          const prefixes = page.commonPrefixes.map((text) => ({ sortKey: text, label: `p:${text}` }));
          // Stable merge: versions of one key stay newest first.
          actual.push(...[...versions, ...prefixes].sort((a, b) => utf8Order(a.sortKey, b.sortKey)).map((entry) => entry.label));
          if (!page.isTruncated) break;
          keyMarker = page.nextKeyMarker;
          versionIdMarker = page.nextVersionIdMarker;
        }
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('listing details', () => {
  it('skips a huge common prefix without visiting its keys (CommonPrefixes for 20,000 keys in 2 pages)', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    for (let number = 0; number < 20_000; number++) driver.put('b', `logs/${number % 2}/${number}`);
    driver.put('b', 'z');
    const reply = driver.machine.listObjectsV2('b', { prefix: 'logs/', delimiter: '/', maxKeys: 1 });
    assert.ok(reply.ok);
    assert.deepEqual([reply.value.commonPrefixes, reply.value.isTruncated], [['logs/0/'], true]);
    const next = driver.machine.listObjectsV2('b', { prefix: 'logs/', delimiter: '/', maxKeys: 1, continuationToken: reply.value.nextContinuationToken! });
    assert.ok(next.ok);
    assert.deepEqual([next.value.commonPrefixes, next.value.isTruncated], [['logs/1/'], false]);
  });

  it('continuation tokens are opaque and checked', () => {
    const token = encodeContinuationToken('dir/\u{1f600}');
    assert.deepEqual(decodeContinuationToken(token), { ok: true, value: 'dir/\u{1f600}', garbage: [] });
    for (const bad of ['', '!!!', 'a', Buffer.from('x1:abc').toString('base64url'), Buffer.from([0x6b, 0x31, 0x3a, 0xff]).toString('base64url')]) {
      const reply = decodeContinuationToken(bad);
      assert.equal(reply.ok ? '' : reply.error.code, 'InvalidArgument', bad);
    }
  });

  it('clamps max-keys to 1000, and max-keys 0 lists nothing and is not truncated', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    for (let number = 0; number < 1005; number++) driver.put('b', `k${number}`);
    const big = driver.machine.listObjectsV1('b', { maxKeys: 5000 });
    assert.ok(big.ok);
    assert.deepEqual([big.value.contents.length, big.value.isTruncated], [1000, true]);
    const none = driver.machine.listObjectsV1('b', { maxKeys: 0 });
    assert.ok(none.ok);
    assert.deepEqual([none.value.contents.length, none.value.isTruncated, none.value.nextMarker], [0, false, undefined]);
    const noneV2 = driver.machine.listObjectsV2('b', { maxKeys: 0 });
    assert.ok(noneV2.ok);
    assert.deepEqual([noneV2.value.keyCount, noneV2.value.isTruncated, noneV2.value.nextContinuationToken], [0, false, undefined]);
    const emptyToken = driver.machine.listObjectsV2('b', { maxKeys: 2, continuationToken: '' });
    assert.ok(emptyToken.ok);
    assert.deepEqual(emptyToken.value.contents.map((listed) => listed.key), ['k0', 'k1']);
    const versions = driver.machine.listObjectVersions('b', { versionIdMarker: 'x', maxKeys: 1 });
    assert.equal(versions.ok ? '' : versions.error.code, 'InvalidArgument');
  });
});

it('pageParts: ascending numbers above the marker, and never more than 1,000 whatever a client asks', () => {
  const parts = Array.from({ length: 10_000 }, (_, index) => ({ partNumber: 10_000 - index }));
  const page = pageParts(parts, { maxParts: 2 ** 31 - 1, partNumberMarker: 5 });
  assert.equal(page.parts.length, 1000);
  assert.deepEqual(page.parts.slice(0, 2).map((part) => part.partNumber), [6, 7]);
  assert.equal(page.isTruncated, true);
  assert.equal(page.nextPartNumberMarker, 1005);
  const last = pageParts(parts, { maxParts: 10, partNumberMarker: 9_995 });
  assert.deepEqual(last.parts.map((part) => part.partNumber), [9_996, 9_997, 9_998, 9_999, 10_000]);
  assert.equal(last.isTruncated, false);
});
