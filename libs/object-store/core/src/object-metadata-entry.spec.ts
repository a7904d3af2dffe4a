/** Entries with attached object bytes: encoding, untrusted decoding, and apply ignoring the bytes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeObjectMetadataEntry,
  encodeObjectMetadataCommand,
  encodeObjectMetadataEntry,
  inlineBlobSizeBytesMax,
  ObjectMetadataCommandInvalidError,
} from './object-metadata-commands.js';
import { MachineDriver } from './object-metadata-fixtures.spec-helper.js';

describe('object-metadata entries with inline object bytes', () => {
  test('a PutObject with its bytes round-trips; a plain entry is the command JSON itself', () => {
    const driver = new MachineDriver();
    const command = driver.putCommand('b', 'k', { sizeBytes: 5 });
    const bytes = encodeObjectMetadataEntry({ command, inlineBlob: new TextEncoder().encode('hello') });
    const decoded = decodeObjectMetadataEntry(bytes);
    assert.deepEqual(decoded.command, command);
    assert.equal(new TextDecoder().decode(decoded.inlineBlob), 'hello');
    assert.deepEqual(encodeObjectMetadataEntry({ command }), encodeObjectMetadataCommand(command));
    assert.equal(decodeObjectMetadataEntry(encodeObjectMetadataCommand(command)).inlineBlob, undefined);
  });

  test('bytes that do not match the only blob, other commands and oversize bytes are refused both ways', () => {
    const driver = new MachineDriver();
    const wrongSize = driver.putCommand('b', 'k', { sizeBytes: 4 });
    assert.throws(() => encodeObjectMetadataEntry({ command: wrongSize, inlineBlob: new Uint8Array(5) }), ObjectMetadataCommandInvalidError);
    const twoBlobs = driver.putCommand('b', 'k', { sizeBytes: 5 });
    assert.throws(() => encodeObjectMetadataEntry({ command: { ...twoBlobs, location: [...twoBlobs.location, driver.blob(0)] }, inlineBlob: new Uint8Array(5) }), ObjectMetadataCommandInvalidError);
    assert.throws(() => encodeObjectMetadataEntry({ command: { op: 'DeleteBucket', bucket: 'b' }, inlineBlob: new Uint8Array(0) }), ObjectMetadataCommandInvalidError);
    const big = inlineBlobSizeBytesMax + 1;
    assert.throws(() => encodeObjectMetadataEntry({ command: driver.putCommand('b', 'k', { sizeBytes: big }), inlineBlob: new Uint8Array(big) }), ObjectMetadataCommandInvalidError);

    // Untrusted bytes: truncated header, a JSON length past the end, trailing bytes of the wrong size.
    const good = encodeObjectMetadataEntry({ command: driver.putCommand('b', 'k', { sizeBytes: 3 }), inlineBlob: new Uint8Array(3) });
    assert.throws(() => decodeObjectMetadataEntry(good.subarray(0, 3)), ObjectMetadataCommandInvalidError);
    const longJson = good.slice();
    new DataView(longJson.buffer).setUint32(1, good.byteLength);
    assert.throws(() => decodeObjectMetadataEntry(longJson), ObjectMetadataCommandInvalidError);
    assert.throws(() => decodeObjectMetadataEntry(good.subarray(0, good.byteLength - 1)), ObjectMetadataCommandInvalidError);
  });

  test('the machine applies an entry with bytes as its PutObject, and refuses a malformed one without changing state', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const command = driver.putCommand('b', 'k', { sizeBytes: 2 });
    const reply = driver.machine.apply(encodeObjectMetadataEntry({ command, inlineBlob: new Uint8Array([1, 2]) }), 100);
    assert.ok(reply.ok);
    assert.equal(driver.machine.getObject({ bucket: 'b', key: 'k' }).ok, true);
    const malformed = encodeObjectMetadataEntry({ command: driver.putCommand('b', 'k2', { sizeBytes: 2 }), inlineBlob: new Uint8Array([1, 2]) }).subarray(0, 8);
    const refused = driver.machine.apply(malformed, 101);
    assert.equal(refused.ok, false);
    assert.equal(driver.machine.getObject({ bucket: 'b', key: 'k2' }).ok, false);
    assert.equal(driver.machine.appliedIndex, 101);
  });
});
