import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corsRequestHeadersOf, corsResponseHeaders, corsRuleFor } from './s3-cors.js';
import { MachineDriver } from './object-metadata-fixtures.spec-helper.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';
import { encodeObjectMetadataCommand } from './object-metadata-commands.js';
import { S3Error } from './s3-errors.js';
import { parseCorsConfiguration } from './s3-xml-parse.js';
import { renderCorsConfiguration } from './s3-xml.js';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof S3Error, String(error));
    return `${error.code}: ${error.message}`;
  }
  return 'no error';
}

const document = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule><ID>site</ID><AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>Content-Type</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>
  <CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>
</CORSConfiguration>`;

describe('CORS configuration', () => {
  it('parses, renders back and re-parses the same rules', () => {
    const rules = parseCorsConfiguration(document);
    assert.deepEqual(rules[0], { id: 'site', allowedMethods: ['PUT', 'GET'], allowedOrigins: ['https://*.example.com'], allowedHeaders: ['x-amz-*', 'Content-Type'], exposeHeaders: ['ETag'], maxAgeSeconds: 3000 });
    assert.deepEqual(parseCorsConfiguration(renderCorsConfiguration(rules)), rules);
  });

  it("refuses what S3 refuses, with S3's codes", () => {
    const rule = (inner: string) => `<CORSConfiguration><CORSRule>${inner}</CORSRule></CORSConfiguration>`;
    assert.match(codeOf(() => parseCorsConfiguration('<CORSConfiguration></CORSConfiguration>')), /^MalformedXML/);
    assert.match(codeOf(() => parseCorsConfiguration(rule('<AllowedMethod>GET</AllowedMethod>'))), /^MalformedXML/);
    assert.equal(codeOf(() => parseCorsConfiguration(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>'))), 'InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is PATCH');
    assert.match(codeOf(() => parseCorsConfiguration(rule('<AllowedOrigin>*.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>'))), /^InvalidRequest: AllowedOrigin "\*\.\*" can not have more than one wildcard/);
    assert.match(codeOf(() => parseCorsConfiguration(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>**</AllowedHeader>'))), /^InvalidRequest: AllowedHeader/);
    assert.match(codeOf(() => parseCorsConfiguration(rule(`<ID>${'i'.repeat(256)}</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`))), /^MalformedXML/);
    assert.match(codeOf(() => parseCorsConfiguration(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds>'))), /^MalformedXML/);
    const many = `<CORSConfiguration>${'<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'.repeat(101)}</CORSConfiguration>`;
    assert.match(codeOf(() => parseCorsConfiguration(many)), /^MalformedXML: The number of CORS rules should not exceed allowed limit of 100 rules/);
    assert.match(codeOf(() => parseCorsConfiguration(`<CORSConfiguration>${' '.repeat(64 * 1024)}</CORSConfiguration>`)), /^MaxMessageLengthExceeded/);
  });

  it('has no limit of its own on what a rule lists: only the 64 KB document and 100 rules bound it, as in S3', () => {
    const origins = Array.from({ length: 150 }, (_, index) => `<AllowedOrigin>https://app${index}.example.com</AllowedOrigin>`).join('');
    const longHeader = `x-amz-meta-${'h'.repeat(2000)}`;
    const wide = `<CORSConfiguration><CORSRule>${origins}<AllowedMethod>GET</AllowedMethod><AllowedHeader>${longHeader}</AllowedHeader></CORSRule></CORSConfiguration>`;
    assert.ok(Buffer.byteLength(wide) < 64 * 1024);
    const [rule] = parseCorsConfiguration(wide);
    assert.equal(rule?.allowedOrigins.length, 150);
    assert.equal(corsRuleFor([rule!], { origin: 'https://app149.example.com', method: 'GET', requestHeaders: [longHeader.toUpperCase()] }), rule);
    const hundred = `<CORSConfiguration>${'<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>'.repeat(100)}</CORSConfiguration>`;
    assert.equal(parseCorsConfiguration(hundred).length, 100);
  });

  it('answers with the first rule matching origin, method and every requested header', () => {
    const rules = parseCorsConfiguration(document);
    const preflight = { origin: 'https://app.example.com', method: 'PUT', requestHeaders: corsRequestHeadersOf('X-Amz-Date, content-type') };
    const site = corsRuleFor(rules, preflight);
    assert.equal(site?.id, 'site');
    assert.deepEqual(corsResponseHeaders(site!, preflight, { preflight: true }), {
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'PUT, GET',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'X-Amz-Date, content-type',
      'access-control-expose-headers': 'ETag',
      'access-control-max-age': '3000',
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    });
    assert.equal(corsRuleFor(rules, { ...preflight, requestHeaders: ['authorization'] }), undefined);
    assert.equal(corsRuleFor(rules, { origin: 'https://example.com', method: 'PUT' }), undefined, 'the * needs at least the dot before example.com');
    const anyGet = corsRuleFor(rules, { origin: 'http://elsewhere', method: 'GET' });
    assert.equal(anyGet?.id, undefined);
    assert.equal(corsResponseHeaders(anyGet!, { origin: 'http://elsewhere', method: 'GET' }, { preflight: false })['access-control-allow-origin'], '*');
    assert.equal(corsRuleFor(rules, { origin: 'http://elsewhere', method: 'DELETE' }), undefined);
  });
});

describe('CORS in the metadata state machine', () => {
  it('is put, carried by snapshots, deleted, and refused in a command when invalid', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const rules = parseCorsConfiguration(document);
    driver.ok({ op: 'PutBucketCors', bucket: 'b', rules });
    const restored = new ObjectMetadataMachine();
    restored.restore(driver.machine.snapshot());
    const bucket = restored.headBucket('b');
    assert.ok(bucket.ok);
    assert.deepEqual(bucket.value.cors, rules);
    driver.ok({ op: 'DeleteBucketCors', bucket: 'b' });
    const deleted = driver.machine.headBucket('b');
    assert.ok(deleted.ok);
    assert.equal(Object.hasOwn(deleted.value, 'cors'), false);
    const missing = driver.apply({ op: 'PutBucketCors', bucket: 'nope', rules });
    assert.equal(missing.ok ? 'ok' : missing.error.code, 'NoSuchBucket');
    const bad = { op: 'PutBucketCors' as const, bucket: 'b', rules: [{ allowedMethods: ['PATCH' as 'GET'], allowedOrigins: ['*'], allowedHeaders: [], exposeHeaders: [] }] };
    assert.throws(() => driver.machine.apply(encodeObjectMetadataCommand(bad), 1_000), /not a valid CORS configuration/);
  });
});
