/** Goal: the callback-based whole-file helpers read and write exactly the bytes, report node:fs errors, and never leak a descriptor. */
import assert from 'node:assert/strict';
import { constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFileInto, unlinkFile, writeFileWhole } from './small-file-io.js';

const openDescriptorCount = (): number => readdirSync('/proc/self/fd').length;

test('reads a file shorter than, equal to and longer than the buffer; writes and unlinks; reports ENOENT', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'small-file-io-'));
  try {
    const path = join(directory, 'blob');
    const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, index) => index % 251));
    const descriptorsBefore = openDescriptorCount();
    await writeFileWhole(path, bytes, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    assert.deepEqual(readFileSync(path), bytes);
    for (const bufferBytes of [20_000, 10_000, 100]) {
      const target = Buffer.alloc(bufferBytes);
      const read = await readFileInto(path, target, constants.O_RDONLY);
      assert.equal(read, Math.min(bufferBytes, bytes.length));
      assert.deepEqual(target.subarray(0, read), bytes.subarray(0, read));
    }
    writeFileSync(path, 'a much longer previous content that must be truncated');
    await writeFileWhole(path, Buffer.from('short'), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
    assert.equal(readFileSync(path, 'utf8'), 'short');
    await unlinkFile(path);
    await assert.rejects(readFileInto(path, Buffer.alloc(8), constants.O_RDONLY), { code: 'ENOENT' });
    await assert.rejects(unlinkFile(path), { code: 'ENOENT' });
    await assert.rejects(writeFileWhole(join(directory, 'missing', 'blob'), bytes, constants.O_WRONLY | constants.O_CREAT, 0o644), { code: 'ENOENT' });
    await assert.rejects(readFileInto(directory, Buffer.alloc(8), constants.O_RDONLY), { code: 'EISDIR' });
    assert.equal(openDescriptorCount(), descriptorsBefore, 'every descriptor opened was closed, also on errors');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
