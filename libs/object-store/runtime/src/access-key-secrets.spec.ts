import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  AccessKeySecretCipher,
  AccessKeySecretUndecryptableError,
  AdminAuthenticationError,
  adminAuthSkewMsMax,
  generateAccessKeyId,
  generateMasterKey,
  generateSecretAccessKey,
  parseMasterKey,
  signAdminCall,
  verifyAdminCall,
} from './access-key-secrets.js';
import { machineCredentialStore } from './s3-request-auth.js';

test('a secret round-trips under its master key and id, and does not decrypt under another key or id', () => {
  const cipher = new AccessKeySecretCipher(generateMasterKey());
  const secret = generateSecretAccessKey();
  const sealed = cipher.encrypt('OBAAAAAAAAAAAAAAAAAA', secret);
  assert.ok(!Buffer.from(sealed.secretCiphertext, 'base64').includes(Buffer.from(secret)));
  assert.equal(cipher.decrypt('OBAAAAAAAAAAAAAAAAAA', sealed), secret);
  assert.notEqual(cipher.encrypt('OBAAAAAAAAAAAAAAAAAA', secret).secretNonce, sealed.secretNonce, 'a fresh nonce each time');
  assert.throws(() => cipher.decrypt('OBBBBBBBBBBBBBBBBBBB', sealed), AccessKeySecretUndecryptableError);
  assert.throws(() => new AccessKeySecretCipher(generateMasterKey()).decrypt('OBAAAAAAAAAAAAAAAAAA', sealed), AccessKeySecretUndecryptableError);
  const flipped = Buffer.from(sealed.secretCiphertext, 'base64');
  flipped[0]! ^= 1;
  assert.throws(() => cipher.decrypt('OBAAAAAAAAAAAAAAAAAA', { ...sealed, secretCiphertext: flipped.toString('base64') }), AccessKeySecretUndecryptableError);
});

test('master keys parse from 64 hex digits or base64 of 32 bytes, nothing else', () => {
  const key = generateMasterKey();
  assert.deepEqual(parseMasterKey(key.toString('hex'), 'x'), key);
  assert.deepEqual(parseMasterKey(`${key.toString('base64')}\n`, 'x'), key);
  for (const bad of ['', 'short', key.toString('hex').slice(2), Buffer.alloc(31).toString('base64')]) assert.throws(() => parseMasterKey(bad, 'x'), /32 bytes/);
});

test('generated ids and secrets have the documented shapes', () => {
  assert.match(generateAccessKeyId(), /^OB[A-Z2-7]{18}$/);
  assert.match(generateSecretAccessKey(), /^[A-Za-z0-9+/]{40}$/);
});

test('admin signatures: the root key, the method and a fresh time', () => {
  const root = { accessKeyId: 'root', secretAccessKey: 'root-secret' };
  const now = 1_800_000_000_000;
  const value = signAdminCall(root, '/objectbox.objectstore.v1.AccessKeyService/List', now);
  verifyAdminCall(root, '/objectbox.objectstore.v1.AccessKeyService/List', value, now + 1000);
  assert.throws(() => verifyAdminCall(root, '/objectbox.objectstore.v1.AccessKeyService/Delete', value, now), AdminAuthenticationError);
  assert.throws(() => verifyAdminCall({ ...root, secretAccessKey: 'other' }, '/objectbox.objectstore.v1.AccessKeyService/List', value, now), AdminAuthenticationError);
  assert.throws(() => verifyAdminCall(root, '/objectbox.objectstore.v1.AccessKeyService/List', value, now + adminAuthSkewMsMax + 1), /15 minutes/);
  assert.throws(() => verifyAdminCall(root, '/objectbox.objectstore.v1.AccessKeyService/List', undefined, now), AdminAuthenticationError);
  assert.throws(() => verifyAdminCall(root, '/objectbox.objectstore.v1.AccessKeyService/List', 'x'.repeat(10_000), now), AdminAuthenticationError);
});

test('the machine credential store: root first, then Active machine keys decrypted; Inactive, missing and undecryptable have none', () => {
  const cipher = new AccessKeySecretCipher(generateMasterKey());
  const active = { accessKeyId: 'OBACTIVEAAAAAAAAAAAA', ...cipher.encrypt('OBACTIVEAAAAAAAAAAAA', 'active-secret'), createdAtMs: 1, status: 'Active' as const };
  const inactive = { ...active, accessKeyId: 'OBINACTIVEAAAAAAAAAA', ...cipher.encrypt('OBINACTIVEAAAAAAAAAA', 's'), status: 'Inactive' as const };
  const moved = { ...active, accessKeyId: 'OBMOVEDAAAAAAAAAAAAA' };
  const undecryptable: string[] = [];
  const store = machineCredentialStore({
    root: { accessKeyId: 'root', secretAccessKey: 'root-secret' },
    accessKeyOf: (id) => [active, inactive, moved].find((key) => key.accessKeyId === id),
    cipher,
    onUndecryptable: (error) => undecryptable.push(error.accessKeyId),
  });
  assert.equal(store.secretOf('root'), 'root-secret');
  assert.equal(store.secretOf(active.accessKeyId), 'active-secret');
  assert.equal(store.secretOf(inactive.accessKeyId), undefined);
  assert.equal(store.secretOf('OBNONEAAAAAAAAAAAAAA'), undefined);
  assert.equal(store.secretOf(moved.accessKeyId), undefined);
  assert.deepEqual(undecryptable, [moved.accessKeyId]);
});
