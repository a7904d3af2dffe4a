/**
 * Server-side encryption request headers. This server stores bytes as sent and implements neither
 * SSE-C (customer-provided keys) nor SSE-KMS, so a request asking for them is refused: answering 200
 * would leave the object readable without the key the client believes protects it. Malformed
 * requests get the 400 answers S3 gives first (ceph/s3-tests test_encryption_sse_c_invalid_md5,
 * _no_md5, _no_key, test_encryption_key_no_sse_c, test_sse_kms_read_declare); a well-formed SSE-C or
 * SSE-KMS request is `NotImplemented`. `x-amz-server-side-encryption: AES256` (SSE-S3) is accepted,
 * as before, without an `x-amz-server-side-encryption` answer.
 */
import type { S3RequestHead } from './s3-endpoint.js';
import { requestHeaderValue } from './s3-endpoint.js';
import { S3Error, s3Errors } from './s3-errors.js';

const sseHeader = 'x-amz-server-side-encryption';
const kmsKeyIdHeader = 'x-amz-server-side-encryption-aws-kms-key-id';
const customerHeaders = ['algorithm', 'key', 'key-md5'] as const;
const customerKeyPrefix = `${sseHeader}-customer-`;
const copySourceCustomerKeyPrefix = 'x-amz-copy-source-server-side-encryption-customer-';
/** The three SSE-C header names of each prefix, built once: every request is checked for them. */
const customerHeaderNamesByPrefix: ReadonlyMap<string, readonly string[]> = new Map(
  [customerKeyPrefix, copySourceCustomerKeyPrefix].map((prefix) => [prefix, customerHeaders.map((suffix) => prefix + suffix)]),
);

/** Operations that write an object and may ask for its encryption (S3 API reference). */
const encryptingWrites: ReadonlySet<string> = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload']);
/** Operations that take SSE-C headers: the writes above, reads of an SSE-C object, and parts. */
const customerKeyOperations: ReadonlySet<string> = new Set([...encryptingWrites, 'GetObject', 'HeadObject', 'UploadPart', 'UploadPartCopy']);
const sseValues: ReadonlySet<string> = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/**
 * Checks the request's encryption headers for `operation`.
 * @param md5Base64 the base64 MD5 of bytes (node's crypto lives in the runtime).
 * @throws S3Error `InvalidArgument` (an SSE header on a read, an unknown SSE value, incomplete or
 *   inconsistent SSE-C headers), `InvalidEncryptionAlgorithmError` (an SSE-C algorithm other than
 *   AES256), `NotImplemented` (well-formed SSE-C or SSE-KMS).
 */
export function checkEncryptionHeaders(operation: string, headers: S3RequestHead['headers'], md5Base64: (bytes: Uint8Array) => string): void {
  const sse = requestHeaderValue(headers, sseHeader);
  const kmsKeyId = requestHeaderValue(headers, kmsKeyIdHeader);
  if (sse !== undefined || kmsKeyId !== undefined) {
    if (!encryptingWrites.has(operation)) {
      throw s3Errors.invalidArgument(sseHeader, sse ?? '', `${sseHeader} header is not supported for this operation.`);
    }
    if (sse === undefined || !sseValues.has(sse)) {
      throw s3Errors.invalidArgument(sseHeader, sse ?? '', 'The encryption method specified is not supported');
    }
    if (sse !== 'AES256') throw s3Errors.notImplemented(`${operation} with ${sseHeader}: ${sse}`);
    if (kmsKeyId !== undefined) throw s3Errors.invalidArgument(kmsKeyIdHeader, kmsKeyId, `${kmsKeyIdHeader} requires ${sseHeader}: aws:kms`);
  }
  checkCustomerKeyHeaders(operation, headers, customerKeyPrefix, md5Base64);
  if (operation === 'CopyObject' || operation === 'UploadPartCopy') checkCustomerKeyHeaders(operation, headers, copySourceCustomerKeyPrefix, md5Base64);
}

function checkCustomerKeyHeaders(operation: string, headers: S3RequestHead['headers'], prefix: string, md5Base64: (bytes: Uint8Array) => string): void {
  const [algorithmName, keyName, keyMd5Name] = customerHeaderNamesByPrefix.get(prefix)!;
  const algorithm = requestHeaderValue(headers, algorithmName!);
  const key = requestHeaderValue(headers, keyName!);
  const keyMd5 = requestHeaderValue(headers, keyMd5Name!);
  if (algorithm === undefined && key === undefined && keyMd5 === undefined) return;
  const argument = `${prefix}algorithm`;
  if (!customerKeyOperations.has(operation)) throw s3Errors.invalidArgument(argument, algorithm ?? '', `${argument} header is not supported for this operation.`);
  if (algorithm === undefined) {
    throw s3Errors.invalidArgument(argument, '', 'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.');
  }
  if (algorithm !== 'AES256') throw new S3Error('InvalidEncryptionAlgorithmError', { fields: { ArgumentName: argument, ArgumentValue: algorithm } });
  if (key === undefined) {
    throw s3Errors.invalidArgument(`${prefix}key`, '', 'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.');
  }
  const keyBytes = Buffer.from(key, 'base64');
  if (keyBytes.byteLength !== 32 || keyBytes.toString('base64') !== key) {
    throw s3Errors.invalidArgument(`${prefix}key`, '', 'The secret key was invalid for the specified algorithm.');
  }
  if (keyMd5 === undefined) {
    throw s3Errors.invalidArgument(
      `${prefix}key-MD5`,
      '',
      'Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.',
    );
  }
  if (md5Base64(keyBytes) !== keyMd5) {
    throw s3Errors.invalidArgument(`${prefix}key-MD5`, keyMd5, 'The calculated MD5 hash of the key did not match the hash that was provided.');
  }
  throw s3Errors.notImplemented(`${operation} with customer-provided encryption keys (SSE-C)`);
}
