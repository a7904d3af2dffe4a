/**
 * Measures heap bytes per object of the metadata machine (not a test, not timed):
 *
 *   npx tsc -b libs/object-store/core
 *   node_modules/.bin/node --expose-gc libs/object-store/core/dist/object-metadata-memory.measure.js [objectCount]
 *
 * Each object is a plain PUT applied through the byte path (encode, decode, apply), so its strings
 * are fresh like in production: a 30-byte key, a 32-hex ETag, a blob id, a 64-hex blake3, a
 * Content-Type, no user metadata. Reports the heap growth per object of the whole machine (index
 * slots, version record, strings, location) and the snapshot bytes per object.
 */
import { getHeapStatistics } from 'node:v8';
import { encodeObjectMetadataCommand } from './object-metadata-commands.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function heapUsedBytes(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** A measurement script, not part of the machine: it may read the clock. */
function elapsedMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function hex(number: number, length: number): string {
  return number.toString(16).padStart(length, '0').slice(-length);
}

const objectCount = Number(process.argv[2] ?? 1_000_000);
const keyOf = (number: number): string => `data/2024/${hex(number % 97, 2)}/file-${hex(number * 7919, 12)}.json`;

let machine: ObjectMetadataMachine | undefined = new ObjectMetadataMachine();
machine.apply(encodeObjectMetadataCommand({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: 'AKIA', region: 'us-east-1', createdAtMs: 1 }), 1);
const before = heapUsedBytes();
const applyStartMs = elapsedMs();
for (let number = 0; number < objectCount; number++) {
  const command = encodeObjectMetadataCommand({
    op: 'PutObject',
    bucket: 'b',
    key: keyOf(number),
    versionId: hex(number, 32),
    lastModifiedMs: 1_700_000_000_000 + number,
    sizeBytes: 4096,
    etag: hex(number * 31, 32),
    attributes: { contentHeaders: { contentType: 'application/json' }, userMetadata: {}, tags: [] },
    location: [{ blobId: `blob-${hex(number, 27)}`, sizeBytes: 4096, blake3: hex(number, 64) }],
  });
  const reply = machine.apply(command, number + 2);
  if (!reply.ok) throw new Error(reply.error.message);
}
const applySeconds = (elapsedMs() - applyStartMs) / 1000;
const after = heapUsedBytes();
let snapshotBytes = 0;
for (const chunk of machine.snapshotChunks()) snapshotBytes += chunk.byteLength;
// The Raft runtime takes snapshots as one buffer (StateMachine.snapshot) and restores from one.
const snapshotStartMs = elapsedMs();
const snapshot = machine.snapshot();
const snapshotSeconds = (elapsedMs() - snapshotStartMs) / 1000;
const appliedIndex = machine.appliedIndex;
machine = undefined; // restore into an empty heap, as a restarting replica does
heapUsedBytes();
const restored = new ObjectMetadataMachine();
const restoreStartMs = elapsedMs();
restored.restore(snapshot);
const restoreSeconds = (elapsedMs() - restoreStartMs) / 1000;
const probe = keyOf(objectCount - 1);
const listed = restored.listObjectsV2('b', { prefix: probe, maxKeys: 1 });
if (!listed.ok || listed.value.contents.length !== 1) throw new Error('the restored machine lacks the last object');

const perObject = (bytes: number): string => (bytes / objectCount).toFixed(1);
console.log(
  JSON.stringify(
    {
      objectCount,
      machineHeapBytesPerObject: perObject(after - before),
      snapshotBytesPerObject: perObject(snapshotBytes),
      applySeconds: applySeconds.toFixed(1),
      snapshotSeconds: snapshotSeconds.toFixed(1),
      restoreSeconds: restoreSeconds.toFixed(1),
      heapLimitMiB: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      appliedIndex,
    },
    null,
    2,
  ),
);
