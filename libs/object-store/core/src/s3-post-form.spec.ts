import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { S3Error } from './s3-errors.js';
import { PostFormParser, postFormBoundaryOf, postFormFieldsBytesMax, type PostFormEvent } from './s3-post-form.js';
import { checkPostPolicy, parsePostPolicy, utcTimeMsOf } from './s3-post-policy.js';
import { codeOf } from './s3-errors.spec-helper.js';

const boundary = '----objectbox-boundary-7MA4YWxkTrZu0gW';

function form(fields: readonly (readonly [string, string])[], file: Uint8Array | undefined, after = ''): Buffer {
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const head = Buffer.from(`preamble\r\n${parts.join('')}`);
  if (file === undefined) return Buffer.concat([head, Buffer.from(`--${boundary}--\r\n`)]);
  const fileHead = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo \\"1\\".jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
  return Buffer.concat([head, fileHead, file, Buffer.from(`\r\n--${boundary}--\r\n${after}`)]);
}

/** Runs the parser over `bytes` cut into chunks at `cuts`; returns the fields, the file and its metadata. */
function parse(bytes: Buffer, cuts: readonly number[] = []): { fields: [string, string][]; file: Buffer; filename: string | undefined; ended: boolean } {
  const parser = new PostFormParser(boundary);
  const events: PostFormEvent[] = [];
  let start = 0;
  for (const cut of [...new Set(cuts)].filter((at) => at > 0 && at < bytes.length).sort((a, b) => a - b)) {
    events.push(...parser.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...parser.push(bytes.subarray(start)));
  parser.end();
  const fields = events.flatMap((event) => (event.kind === 'field' ? [[event.name, event.value] as [string, string]] : []));
  const file = Buffer.concat(events.flatMap((event) => (event.kind === 'fileData' ? [event.bytes] : [])));
  const start_ = events.find((event) => event.kind === 'fileStart');
  return { fields, file, filename: start_?.kind === 'fileStart' ? start_.filename : undefined, ended: events.some((event) => event.kind === 'fileEnd') };
}

describe('PostFormParser', () => {
  it('reads fields then the file, whatever the chunking, including bytes that look like a boundary', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(600), { maxLength: 8 }), (fileBytes, cuts) => {
        // A near-boundary inside the file must stay file data.
        const file = Buffer.concat([Buffer.from(fileBytes), Buffer.from(`\r\n--${boundary.slice(0, -1)}x`)]);
        const bytes = form([['key', 'uploads/${filename}'], ['x-amz-meta-note', 'é 1']], file, 'epilogue');
        const parsed = parse(bytes, cuts);
        assert.deepEqual(parsed.fields, [['key', 'uploads/${filename}'], ['x-amz-meta-note', 'é 1']]);
        assert.ok(parsed.file.equals(file));
        assert.equal(parsed.filename, 'photo "1".jpg');
        assert.ok(parsed.ended);
      }),
    );
  });

  it('ignores what follows the file, and answers a form without one with InvalidArgument', () => {
    const parser = new PostFormParser(boundary);
    const events = parser.push(form([['key', 'k']], Buffer.from('data'), `--${boundary}\r\nContent-Disposition: form-data; name="late"\r\n\r\nx\r\n`));
    assert.deepEqual(events.map((event) => event.kind), ['field', 'fileStart', 'fileData', 'fileEnd']);
    assert.equal(codeOf(() => parse(form([['key', 'k']], undefined))), 'InvalidArgument');
    assert.equal(codeOf(() => new PostFormParser(boundary).end()), 'InvalidArgument');
  });

  it('caps everything before the file at 20 KB, without buffering more', () => {
    const big = 'v'.repeat(postFormFieldsBytesMax);
    assert.equal(codeOf(() => parse(form([['key', big]], Buffer.from('x')))), 'MaxPostPreDataLengthExceededError');
    const parser = new PostFormParser(boundary);
    parser.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\n`));
    assert.equal(codeOf(() => parser.push(Buffer.alloc(postFormFieldsBytesMax + 1, 0x61))), 'MaxPostPreDataLengthExceededError');
    assert.equal(codeOf(() => parse(form([['key', 'k']], Buffer.from('x')).subarray(0, 150))), 'MalformedPOSTRequest');
  });

  it('reads Content-Disposition parameters in order, never a name= inside a quoted filename', () => {
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nfile\r\n`;
    const part = (disposition: string) => Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\nbytes\r\n${file}--${boundary}--\r\n`);
    const tricky = parse(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; filename="a; name=key"; name="file"\r\n\r\nbytes\r\n--${boundary}--\r\n`));
    assert.equal(tricky.filename, 'a; name=key');
    assert.equal(tricky.file.toString(), 'bytes');
    assert.deepEqual(parse(part('form-data; name="key";')).fields, [['key', 'bytes']]);
    assert.deepEqual(parse(part('form-data;name=key')).fields, [['key', 'bytes']]);
    assert.equal(codeOf(() => parse(part('form-data; filename="a; name=key"'))), 'MalformedPOSTRequest');
    assert.equal(codeOf(() => parse(part('form-data; name="key" junk'))), 'MalformedPOSTRequest');
  });

  it("refuses malformed parts with MalformedPOSTRequest, and a request that is not a form with S3's PreconditionFailed", () => {
    assert.equal(codeOf(() => parse(Buffer.from(`--${boundary}\r\nX-Other: 1\r\n\r\nvalue\r\n--${boundary}--\r\n`))), 'MalformedPOSTRequest');
    assert.equal(codeOf(() => parse(Buffer.from(`--${boundary}junk\r\n`))), 'MalformedPOSTRequest');
    assert.equal(postFormBoundaryOf(`multipart/form-data; boundary="${boundary}"`), boundary);
    assert.equal(postFormBoundaryOf(`Multipart/Form-Data;boundary=${boundary}`), boundary);
    assert.equal(codeOf(() => postFormBoundaryOf('application/x-www-form-urlencoded')), 'PreconditionFailed');
    assert.equal(codeOf(() => postFormBoundaryOf('multipart/form-data')), 'MalformedPOSTRequest');
  });
});

describe('POST policy', () => {
  const encode = (document: object) => Buffer.from(JSON.stringify(document)).toString('base64');
  const nowMs = Date.parse('2026-01-01T00:00:00Z');
  const policy = parsePostPolicy(
    encode({
      expiration: '2026-01-01T01:00:00.000Z',
      conditions: [{ bucket: 'photos' }, ['starts-with', '$key', 'user/'], { acl: 'public-read' }, ['starts-with', '$Content-Type', 'image/,text/'], ['content-length-range', 1, 1024], ['eq', '$x-amz-meta-tag', 'a']],
    }),
  );
  const fields = (extra: Record<string, string> = {}) =>
    new Map(Object.entries({ key: 'user/a.jpg', acl: 'public-read', 'content-type': 'text/plain', 'x-amz-meta-tag': 'a', policy: '...', 'x-ignore-me': '1', ...extra }));

  it('passes a form that meets every condition and returns the size range', () => {
    assert.deepEqual(checkPostPolicy(policy, { fields: fields(), bucket: 'photos', nowMs }), { contentLengthRange: { min: 1, max: 1024 } });
  });

  it('refuses, as S3, an expired policy, a failed condition, and a field no condition names', () => {
    const denied = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        assert.ok(error instanceof S3Error);
        return `${error.code}: ${error.message}`;
      }
      return 'no error';
    };
    assert.equal(denied(() => checkPostPolicy(policy, { fields: fields(), bucket: 'photos', nowMs: nowMs + 3_600_000 })), 'AccessDenied: Invalid according to Policy: Policy expired.');
    assert.equal(denied(() => checkPostPolicy(policy, { fields: fields(), bucket: 'other', nowMs })), 'AccessDenied: Invalid according to Policy: Policy Condition failed: {"bucket":"photos"}');
    assert.match(denied(() => checkPostPolicy(policy, { fields: fields({ key: 'admin/a' }), bucket: 'photos', nowMs })), /Policy Condition failed: \["starts-with","\$key","user\/"\]/);
    assert.match(denied(() => checkPostPolicy(policy, { fields: fields({ 'content-type': 'application/pdf' }), bucket: 'photos', nowMs })), /Policy Condition failed/);
    assert.equal(denied(() => checkPostPolicy(policy, { fields: fields({ 'x-amz-meta-other': 'b' }), bucket: 'photos', nowMs })), 'AccessDenied: Invalid according to Policy: Extra input fields: x-amz-meta-other');
  });

  it('holds the file to every content-length-range, not the last one', () => {
    const ranges = parsePostPolicy(encode({ expiration: '2026-01-01T01:00:00Z', conditions: [['content-length-range', 0, 10], ['content-length-range', 0, 1073741824], ['content-length-range', 2, 20]] }));
    assert.deepEqual(checkPostPolicy(ranges, { fields: new Map(), bucket: 'photos', nowMs }), { contentLengthRange: { min: 2, max: 10 } });
  });

  it('reads the expiration as ISO 8601 in UTC only, never in the server zone or on a date that does not exist', () => {
    assert.equal(utcTimeMsOf('2026-01-01T01:00:00.000Z'), Date.UTC(2026, 0, 1, 1));
    assert.equal(utcTimeMsOf('2026-01-01T01:00Z'), Date.UTC(2026, 0, 1, 1));
    assert.equal(utcTimeMsOf('2026-01-01T01:00:00.5Z'), Date.UTC(2026, 0, 1, 1, 0, 0, 500));
    for (const bad of ['2026-01-01T01:00:00', '2026-01-01T01:00:00+02:00', '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01', ' 2026-01-01T01:00:00Z']) {
      assert.ok(Number.isNaN(utcTimeMsOf(bad)), bad);
      assert.equal(codeOf(() => parsePostPolicy(encode({ expiration: bad, conditions: [] }))), 'InvalidPolicyDocument', bad);
    }
  });

  it('answers bad documents with InvalidPolicyDocument', () => {
    for (const bad of ['not base64!', encode({ conditions: [] }), encode({ expiration: '2026-01-01T00:00:00Z' }), encode({ expiration: 'tomorrow', conditions: [] }), encode({ expiration: '2026-01-01T00:00:00Z', conditions: [['matches', '$key', 'x']] }), encode({ expiration: '2026-01-01T00:00:00Z', conditions: [['content-length-range', 10, 1]] })]) {
      assert.equal(codeOf(() => parsePostPolicy(bad)), 'InvalidPolicyDocument', bad);
    }
  });
});
