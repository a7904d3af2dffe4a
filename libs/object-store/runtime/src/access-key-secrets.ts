/**
 * S3 access-key secrets at rest, and the admin API's request authentication.
 *
 * Secrets are encrypted by the proposer, never in the state machine: AES-256-GCM under a 32-byte
 * master key, a fresh 12-byte random nonce per key, the access key id as additional authenticated
 * data (a ciphertext moved onto another id does not decrypt). The Raft log, snapshots and the
 * machine hold `secretCiphertext` (ciphertext ‖ 16-byte tag, base64) and `secretNonce` (base64)
 * only; every replica that serves S3 needs the same master key to decrypt them.
 *
 * Admin calls (the gRPC AccessKeyService) carry `objectbox-admin-auth:
 * <root access key id>:<unix ms>:<hex HMAC-SHA256("<method path>\n<unix ms>", root secret)>`, so
 * the root secret itself never travels; a signature is valid within the S3 clock-skew window.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError, ObjectBoxError } from '@objectbox/util';

/** Bytes of the master key (AES-256). */
export const masterKeyBytes = 32;
const nonceBytes = 12;
const tagBytes = 16;
/** Longest secret accepted for encryption (ours are 40 characters). */
const secretBytesMax = 256;

/** A stored secret does not decrypt under this master key (another key, or tampered data). */
export class AccessKeySecretUndecryptableError extends ObjectBoxError {
  readonly code = 'AccessKeySecretUndecryptable';
  readonly kind = 'failed-precondition';
  constructor(readonly accessKeyId: string) {
    super(`the secret of access key ${accessKeyId} does not decrypt under this master key (is OBJECTBOX_MASTER_KEY the same on every replica?)`);
  }
}

/**
 * A master key from text: 32 bytes as 64 hex digits or as base64 (44 characters).
 * @throws InvalidArgumentError naming what was wrong (never the value).
 */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (key?.length !== masterKeyBytes) throw new InvalidArgumentError(`${source}: a master key is 32 bytes written as 64 hex digits or 44 characters of base64`);
  return key;
}

/** A new random master key. */
export function generateMasterKey(): Buffer {
  return randomBytes(masterKeyBytes);
}

/** The encrypted form of a secret, as the CreateAccessKey command carries it. */
export interface EncryptedSecret {
  readonly secretCiphertext: string;
  readonly secretNonce: string;
}

/** Encrypts and decrypts access-key secrets under one master key. */
export class AccessKeySecretCipher {
  readonly #key: Buffer;

  constructor(masterKey: Uint8Array) {
    if (masterKey.length !== masterKeyBytes) throw new InvalidArgumentError(`a master key is ${masterKeyBytes} bytes`);
    this.#key = Buffer.from(masterKey);
  }

  encrypt(accessKeyId: string, secretAccessKey: string): EncryptedSecret {
    const plain = Buffer.from(secretAccessKey, 'utf8');
    if (plain.length === 0 || plain.length > secretBytesMax) throw new InvalidArgumentError(`a secret access key is 1 to ${secretBytesMax} bytes`);
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(accessKeyId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { secretCiphertext: sealed.toString('base64'), secretNonce: nonce.toString('base64') };
  }

  /** @throws AccessKeySecretUndecryptableError */
  decrypt(accessKeyId: string, encrypted: EncryptedSecret): string {
    const sealed = Buffer.from(encrypted.secretCiphertext, 'base64');
    const nonce = Buffer.from(encrypted.secretNonce, 'base64');
    if (sealed.length <= tagBytes || nonce.length !== nonceBytes) throw new AccessKeySecretUndecryptableError(accessKeyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce);
      decipher.setAAD(Buffer.from(accessKeyId, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()]).toString('utf8');
    } catch {
      throw new AccessKeySecretUndecryptableError(accessKeyId);
    }
  }
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh access key id: "OB" and 18 characters of A-Z2-7 (20 in all, as AWS's). */
export function generateAccessKeyId(): string {
  let id = 'OB';
  for (let index = 0; index < 18; index++) id += base32Alphabet[randomInt(base32Alphabet.length)];
  return id;
}

/** A fresh secret: 30 random bytes as 40 characters of base64. */
export function generateSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/** Access key ids a user may choose: 16 to 128 ASCII letters and digits (AWS's rule). */
export function checkAccessKeyId(accessKeyId: string): void {
  if (!/^[A-Za-z0-9]{16,128}$/.test(accessKeyId)) throw new InvalidArgumentError('an access key id is 16 to 128 letters and digits');
}

// ---- admin call authentication -----------------------------------------------------------------

/** The gRPC metadata key of admin call signatures. */
export const adminAuthMetadataKey = 'objectbox-admin-auth';
/** How far an admin signature's time may be from the server clock (as S3's 15 minutes). */
export const adminAuthSkewMsMax = 15 * 60 * 1000;

/** The call is unsigned, signed by an unknown key, badly signed or stale. */
export class AdminAuthenticationError extends ObjectBoxError {
  readonly code = 'AdminAuthenticationFailed';
  readonly kind = 'unauthenticated';
}

/** The `objectbox-admin-auth` value for a call to `methodPath` (`/package.Service/Method`). */
export function signAdminCall(root: { readonly accessKeyId: string; readonly secretAccessKey: string }, methodPath: string, nowMs: number): string {
  const signature = createHmac('sha256', root.secretAccessKey).update(`${methodPath}\n${nowMs}`).digest('hex');
  return `${root.accessKeyId}:${nowMs}:${signature}`;
}

/** @throws AdminAuthenticationError unless `value` is a fresh signature of `methodPath` by the root key. */
export function verifyAdminCall(root: { readonly accessKeyId: string; readonly secretAccessKey: string }, methodPath: string, value: string | undefined, nowMs: number): void {
  const match = value === undefined || value.length > 512 ? null : /^([^:]+):(\d{1,16}):([0-9a-f]{64})$/.exec(value);
  if (match === null) throw new AdminAuthenticationError(`admin calls need the ${adminAuthMetadataKey} metadata signed with the root credentials`);
  const [, accessKeyId, time, signature] = match as unknown as [string, string, string, string];
  if (Math.abs(nowMs - Number(time)) > adminAuthSkewMsMax) throw new AdminAuthenticationError('the admin signature is older or newer than 15 minutes (check the clocks)');
  const expected = Buffer.from(signAdminCall(root, methodPath, Number(time)).slice(-64), 'hex');
  if (accessKeyId !== root.accessKeyId || !timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    throw new AdminAuthenticationError('the admin signature does not match the root credentials');
  }
}
