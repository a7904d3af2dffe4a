/**
 * Goal: the production file system's `writeDurable` (a writev through an O_DSYNC descriptor) puts
 * the same bytes at the same positions as `write`, next to writes through the ordinary descriptor,
 * and closing the file closes both descriptors.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from './node-file-system.js';
import { withTemporaryDirectory } from './test-support.js';

test('writeDurable writes chunks back to back at a position, beside ordinary writes', async () => {
  await withTemporaryDirectory(async (directory) => {
    const path = join(directory, 'segment');
    const file = await nodeFileSystem.openFile(path);
    assert.ok(file.writeDurable !== undefined);
    await file.write([Buffer.from('head')], 0);
    await file.writeDurable([Buffer.from('ab'), new Uint8Array(0), Buffer.from('cd')], 4);
    await file.writeDurable([Buffer.from('EF')], 6);
    await file.write([Buffer.from('!')], 8);
    assert.equal(await file.sizeBytes(), 9);
    await file.close();
    assert.equal((await readFile(path)).toString('latin1'), 'headabEF!');
  });
});
