/**
 * A stream value (Redis's stream, t_stream.c): entries ordered by ID, each a list of field/value
 * pairs, plus consumer groups with their pending entries lists (PEL).
 *
 * Entries live in nodes as Redis keeps them in listpacks under a radix tree: a node takes entries
 * until it holds `stream-node-max-entries` (live and deleted) or its listpack would reach
 * `stream-node-max-bytes`, and approximate trimming (`MAXLEN ~`, `MINID ~`) removes only whole
 * nodes. The listpack size is computed with Redis's listpack encoding rules (integers in 1-9
 * bytes, strings with a 1, 2 or 5 byte header, a back-length per element) for the layout
 * streamAppendItem writes (master entry, then flags, ID deltas, fields unless they are the master
 * entry's, values, element count), so node boundaries, and with them `~` trimming, match Redis.
 * XDEL marks an entry deleted (a node whose entries are all deleted goes), as Redis does.
 *
 * Lookups binary-search the nodes by their first (master) ID, then the node's entries: O(log n).
 * PELs are arrays sorted by ID (deliveries append at the end; acknowledgements binary-search).
 */
import { assert } from '@objectbox/util';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { type CacheCollection } from './cache-keyspace.js';
import {
  compareStreamIds,
  isZeroStreamId,
  nextStreamId,
  streamIdMax,
  streamIdZero,
  uint64Max,
  type StreamId,
} from './cache-stream-id.js';

/** STREAM_LISTPACK_MAX_SIZE: a listpack never grows past 1 GiB. */
const listpackBytesMax = 1 << 30;
/** Redis's SCG_INVALID_ENTRIES_READ. */
export const entriesReadInvalid = -1n;

export interface StreamEntry {
  readonly id: StreamId;
  /** field, value, field, value, ... */
  readonly fields: readonly Buffer[];
  deleted: boolean;
}

/** Index of the first item with an ID ≥ `id` in `items` sorted by ID (items.length when none). */
function lowerBoundById(items: readonly { readonly id: StreamId }[], id: StreamId): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareStreamIds((items[middle] as { readonly id: StreamId }).id, id) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Bytes of a listpack back-length for an element of `encodedBytes`. */
function backlenBytes(encodedBytes: number): number {
  if (encodedBytes <= 127) return 1;
  if (encodedBytes < 16383) return 2;
  if (encodedBytes < 2097151) return 3;
  if (encodedBytes < 268435455) return 4;
  return 5;
}

function integerElementBytes(value: bigint): number {
  let encoded: number;
  if (value >= 0n && value <= 127n) encoded = 1;
  else if (value >= -4096n && value <= 4095n) encoded = 2;
  else if (value >= -32768n && value <= 32767n) encoded = 3;
  else if (value >= -8388608n && value <= 8388607n) encoded = 4;
  else if (value >= -2147483648n && value <= 2147483647n) encoded = 5;
  else encoded = 9;
  return encoded + backlenBytes(encoded);
}

const int64Text = /^(0|-?[1-9][0-9]{0,18})$/;

/** lpEncodeGetType: a string that is an int64 in canonical form is stored as that integer. */
function stringElementBytes(value: Buffer): number {
  if (value.length <= 20 && value.length > 0) {
    const text = value.toString('latin1');
    if (int64Text.test(text)) {
      const integer = BigInt(text);
      if (integer >= -(1n << 63n) && integer < 1n << 63n) return integerElementBytes(integer);
    }
  }
  const length = value.length;
  const encoded = length < 64 ? 1 + length : length < 4096 ? 2 + length : 5 + length;
  return encoded + backlenBytes(encoded);
}

/** What DUMP writes of a node (cache-dump-stream.ts). */
export interface StreamNodeView {
  readonly masterId: StreamId;
  readonly masterFieldNames: readonly Buffer[];
  readonly entries: readonly StreamEntry[];
  readonly live: number;
  readonly deleted: number;
}

/** One listpack of entries: its master entry (first ID and field names) and its entries in ID order. */
class StreamNode implements StreamNodeView {
  readonly entries: StreamEntry[] = [];
  live = 0;
  deleted = 0;
  /** Field and value bytes of every entry held, tombstones included (they stay until the node goes). */
  storedBytes = 0;
  /** Listpack bytes apart from the live/deleted counters (whose encoding grows with them). */
  private bodyBytes: number;

  constructor(
    readonly masterId: StreamId,
    readonly masterFieldNames: readonly Buffer[],
  ) {
    // Header (6) and end byte (1), master field count, field names, terminating 0.
    this.bodyBytes = 7 + integerElementBytes(BigInt(masterFieldNames.length)) + masterFieldNames.reduce((sum, name) => sum + stringElementBytes(name), 0) + 1 + 1;
  }

  get listpackBytes(): number {
    return this.bodyBytes + integerElementBytes(BigInt(this.live)) + integerElementBytes(BigInt(this.deleted));
  }

  /** Whether the entry's field names are the master entry's (Redis then stores only the values). */
  private sameFields(fields: readonly Buffer[]): boolean {
    if (fields.length / 2 !== this.masterFieldNames.length) return false;
    return this.masterFieldNames.every((name, index) => name.equals(fields[index * 2] as Buffer));
  }

  append(entry: StreamEntry): void {
    const same = this.sameFields(entry.fields);
    const fieldCount = entry.fields.length / 2;
    let bytes = integerElementBytes(same ? 2n : 0n);
    bytes += integerElementBytes(BigInt.asIntN(64, entry.id.ms - this.masterId.ms));
    bytes += integerElementBytes(BigInt.asIntN(64, entry.id.seq - this.masterId.seq));
    if (!same) bytes += integerElementBytes(BigInt(fieldCount));
    for (let index = 0; index < entry.fields.length; index++) {
      if (!same || index % 2 === 1) bytes += stringElementBytes(entry.fields[index] as Buffer);
    }
    bytes += integerElementBytes(BigInt(fieldCount + 3 + (same ? 0 : fieldCount + 1)));
    this.bodyBytes += bytes;
    this.entries.push(entry);
    this.live++;
    this.storedBytes += entry.fields.reduce((sum, field) => sum + field.length, 0);
  }

  /** Index of the first entry with an ID ≥ `id` (entries.length when none). */
  lowerBound(id: StreamId): number {
    return lowerBoundById(this.entries, id);
  }

  get lastId(): StreamId {
    return (this.entries[this.entries.length - 1] as StreamEntry).id;
  }
}

/** A pending entry (Redis's streamNACK): delivered to `consumer`, not yet acknowledged. */
export interface StreamPendingEntry {
  readonly id: StreamId;
  /** Null only for an entry XCLAIM FORCE created, until it is assigned. */
  consumer: StreamConsumer | null;
  deliveryTimeMs: number;
  /** Redis's uint64 delivery_count (replies show it as a signed 64-bit integer). */
  deliveryCount: bigint;
}

/** Entries per chunk of a {@link StreamPendingList}: inserts and removals move at most this many. */
const pendingChunkEntriesMax = 256;

/**
 * Pending entries in ID order, as sorted chunks of at most {@link pendingChunkEntriesMax}: finding a
 * place is a binary search over the chunks' first IDs and then inside one chunk, so XACK, XCLAIM and
 * re-deliveries cost O(log n + chunk) wherever the ID falls (Redis keeps a radix tree). One flat
 * sorted array made acknowledging the oldest of 100,000 pending entries copy the whole array.
 */
export class StreamPendingList {
  private chunks: StreamPendingEntry[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The chunk that holds or would hold `id`: the last whose first ID is ≤ id (0 when none). */
  private chunkIndexFor(id: StreamId): number {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStreamIds(((this.chunks[middle] as StreamPendingEntry[])[0] as StreamPendingEntry).id, id) <= 0) low = middle + 1;
      else high = middle;
    }
    return Math.max(0, low - 1);
  }

  find(id: StreamId): StreamPendingEntry | undefined {
    const chunk = this.chunks[this.chunkIndexFor(id)];
    if (chunk === undefined) return undefined;
    const entry = chunk[lowerBoundById(chunk, id)];
    return entry !== undefined && compareStreamIds(entry.id, id) === 0 ? entry : undefined;
  }

  /** Adds `entry`; false (and nothing changes) when its ID is already there. */
  insert(entry: StreamPendingEntry): boolean {
    const chunkIndex = this.chunkIndexFor(entry.id);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) {
      this.chunks.push([entry]);
      this.count++;
      return true;
    }
    const index = lowerBoundById(chunk, entry.id);
    if (index < chunk.length && compareStreamIds((chunk[index] as StreamPendingEntry).id, entry.id) === 0) return false;
    chunk.splice(index, 0, entry);
    if (chunk.length > pendingChunkEntriesMax) this.chunks.splice(chunkIndex + 1, 0, chunk.splice(chunk.length >>> 1));
    this.count++;
    return true;
  }

  remove(id: StreamId): boolean {
    const chunkIndex = this.chunkIndexFor(id);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) return false;
    const index = lowerBoundById(chunk, id);
    if (index >= chunk.length || compareStreamIds((chunk[index] as StreamPendingEntry).id, id) !== 0) return false;
    chunk.splice(index, 1);
    if (chunk.length === 0) this.chunks.splice(chunkIndex, 1);
    this.count--;
    return true;
  }

  /** The first entry with an ID ≥ `id`: a cursor that stays valid while the list changes. */
  firstFrom(id: StreamId): StreamPendingEntry | undefined {
    const chunkIndex = this.chunkIndexFor(id);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) return undefined;
    const index = lowerBoundById(chunk, id);
    return index < chunk.length ? chunk[index] : this.chunks[chunkIndex + 1]?.[0];
  }

  first(): StreamPendingEntry | undefined {
    return this.chunks[0]?.[0];
  }

  last(): StreamPendingEntry | undefined {
    const chunk = this.chunks[this.chunks.length - 1];
    return chunk?.[chunk.length - 1];
  }

  /** Entries with an ID ≥ `start`, in order (the list must not change during the iteration). */
  *from(start: StreamId): Generator<StreamPendingEntry> {
    let chunkIndex = this.chunkIndexFor(start);
    const chunk = this.chunks[chunkIndex];
    if (chunk === undefined) return;
    for (let index = lowerBoundById(chunk, start); index < chunk.length; index++) yield chunk[index] as StreamPendingEntry;
    for (chunkIndex++; chunkIndex < this.chunks.length; chunkIndex++) yield* this.chunks[chunkIndex] as StreamPendingEntry[];
  }

  *values(): Generator<StreamPendingEntry> {
    for (const chunk of this.chunks) yield* chunk;
  }
}

export class StreamConsumer {
  readonly pending = new StreamPendingList();
  /** Last time the consumer tried to read or claim (XINFO CONSUMERS `idle`). */
  seenTimeMs: number;
  /** Last time it was delivered or claimed something, -1 for never (`inactive`). */
  activeTimeMs = -1;

  constructor(
    readonly name: Buffer,
    nowMs: number,
  ) {
    this.seenTimeMs = nowMs;
  }
}

function byNameBytes<T extends { readonly name: Buffer }>(a: T, b: T): number {
  return Buffer.compare(a.name, b.name);
}

export class StreamGroup {
  readonly pending = new StreamPendingList();
  private readonly consumerByName = new Map<string, StreamConsumer>();
  /** The consumers' share of the memory estimate (their names and bookkeeping). */
  consumerBytes = 0;

  constructor(
    readonly name: Buffer,
    public lastId: StreamId,
    /** Entries the group has read (for its lag), or {@link entriesReadInvalid} when unknown. */
    public entriesRead: bigint,
  ) {}

  get consumerCount(): number {
    return this.consumerByName.size;
  }

  /** Consumers in name order (Redis keeps them in a radix tree). */
  consumers(): StreamConsumer[] {
    return [...this.consumerByName.values()].sort(byNameBytes);
  }

  consumer(name: Buffer): StreamConsumer | undefined {
    return this.consumerByName.get(name.toString('latin1'));
  }

  /** streamCreateConsumer: null when it exists. */
  createConsumer(name: Buffer, nowMs: number): StreamConsumer | null {
    const key = name.toString('latin1');
    if (this.consumerByName.has(key)) return null;
    const consumer = new StreamConsumer(Buffer.from(name), nowMs);
    this.consumerByName.set(key, consumer);
    this.consumerBytes += consumerOverheadBytes + name.length;
    return consumer;
  }

  /** streamDelConsumer: its pending entries leave the group's PEL too. Returns how many it had. */
  deleteConsumer(consumer: StreamConsumer): number {
    const pendingCount = consumer.pending.size;
    for (const entry of consumer.pending.values()) this.pending.remove(entry.id);
    this.consumerByName.delete(consumer.name.toString('latin1'));
    this.consumerBytes -= consumerOverheadBytes + consumer.name.length;
    return pendingCount;
  }

  /** Removes a pending entry from the group's and its consumer's lists. */
  acknowledge(id: StreamId): boolean {
    const entry = this.pending.find(id);
    if (entry === undefined) return false;
    this.pending.remove(id);
    entry.consumer?.pending.remove(id);
    return true;
  }
}

export interface StreamTrimOptions {
  readonly strategy: 'maxlen' | 'minid';
  readonly maxLength: bigint;
  readonly minId: StreamId;
  readonly approximate: boolean;
  /** Most entries one trim may remove (0: no limit); only with `approximate`. */
  readonly limit: number;
}

/** Per-entry bookkeeping beyond its bytes, for the memory estimate. */
const entryOverheadBytes = 48;
const groupOverheadBytes = 128;
const pendingOverheadBytes = 64;
const consumerOverheadBytes = 96;

export class CacheStream implements CacheCollection {
  private nodes: StreamNode[] = [];
  private liveCount = 0;
  /** Field and value bytes of every entry the nodes hold (tombstones included) and how many entries that is. */
  private contentBytes = 0;
  private heldEntries = 0;
  private readonly groupByName = new Map<string, StreamGroup>();
  lastId: StreamId = streamIdZero;
  /** The first live entry's ID as last recorded (XINFO `recorded-first-entry-id`); 0-0 when empty. */
  firstId: StreamId = streamIdZero;
  maxDeletedId: StreamId = streamIdZero;
  entriesAdded = 0n;

  get length(): number {
    return this.liveCount;
  }

  get encoding(): string {
    return 'stream';
  }

  get sizeBytes(): number {
    let groupBytes = 0;
    for (const group of this.groupByName.values()) groupBytes += groupOverheadBytes + group.name.length + group.consumerBytes + group.pending.size * pendingOverheadBytes;
    return this.contentBytes + this.heldEntries * entryOverheadBytes + groupBytes;
  }

  /** The nodes in ID order, deleted entries included, for DUMP. */
  nodesForDump(): readonly StreamNodeView[] {
    return this.nodes;
  }

  /** Listpacks (XINFO STREAM `radix-tree-keys`). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /**
   * streamAppendItem with the ID already decided: it must be above `lastId` (the caller checks, with
   * Redis's errors). Opens a new node when the tail one is full.
   */
  append(id: StreamId, fields: readonly Buffer[]): void {
    assert(compareStreamIds(id, this.lastId) > 0, 'a new entry ID is above the last one');
    let tail = this.nodes[this.nodes.length - 1];
    if (tail !== undefined) {
      const configuredBytesMax = cacheEncodingThresholds.streamNodeBytesMax;
      const nodeBytesMax = configuredBytesMax === 0 || configuredBytesMax > listpackBytesMax ? listpackBytesMax : configuredBytesMax;
      const newBytes = fields.reduce((sum, field) => sum + field.length, 0);
      if (tail.listpackBytes + newBytes >= nodeBytesMax) tail = undefined;
      else if (cacheEncodingThresholds.streamNodeEntriesMax > 0 && tail.live + tail.deleted >= cacheEncodingThresholds.streamNodeEntriesMax) tail = undefined;
    }
    if (tail === undefined) {
      tail = new StreamNode(id, fields.filter((_field, index) => index % 2 === 0));
      this.nodes.push(tail);
    }
    tail.append({ id, fields, deleted: false });
    this.liveCount++;
    this.heldEntries++;
    this.contentBytes += fields.reduce((sum, field) => sum + field.length, 0);
    this.entriesAdded = BigInt.asUintN(64, this.entriesAdded + 1n);
    this.lastId = id;
    if (this.liveCount === 1) this.firstId = id;
  }

  /**
   * RESTORE: a node as a payload holds it (entries in ID order, above every entry so far; deleted ones
   * kept as tombstones, as in Redis's listpack), so that the stream's nodes are the dumped ones.
   */
  loadNode(masterId: StreamId, masterFieldNames: readonly Buffer[], entries: readonly StreamEntry[]): void {
    const node = new StreamNode(masterId, masterFieldNames);
    for (const entry of entries) {
      node.append({ id: entry.id, fields: entry.fields, deleted: false });
      if (entry.deleted) {
        (node.entries[node.entries.length - 1] as StreamEntry).deleted = true;
        node.live--;
        node.deleted++;
      } else this.liveCount++;
    }
    this.heldEntries += node.entries.length;
    this.contentBytes += node.storedBytes;
    this.nodes.push(node);
  }

  /** Index of the node that would hold `id`: the last whose master ID is ≤ id (0 when none). */
  private nodeIndexFor(id: StreamId): number {
    let low = 0;
    let high = this.nodes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStreamIds((this.nodes[middle] as StreamNode).masterId, id) <= 0) low = middle + 1;
      else high = middle;
    }
    return Math.max(0, low - 1);
  }

  /** Live entries with start ≤ ID ≤ end, ascending (or descending with `reverse`). */
  *range(start: StreamId, end: StreamId, reverse = false): Generator<StreamEntry> {
    if (compareStreamIds(start, end) > 0 || this.nodes.length === 0) return;
    if (!reverse) {
      for (let nodeIndex = this.nodeIndexFor(start); nodeIndex < this.nodes.length; nodeIndex++) {
        const node = this.nodes[nodeIndex] as StreamNode;
        for (let index = node.lowerBound(start); index < node.entries.length; index++) {
          const entry = node.entries[index] as StreamEntry;
          if (compareStreamIds(entry.id, end) > 0) return;
          if (!entry.deleted) yield entry;
        }
      }
      return;
    }
    for (let nodeIndex = this.nodeIndexFor(end); nodeIndex >= 0; nodeIndex--) {
      const node = this.nodes[nodeIndex] as StreamNode;
      const after = nextStreamId(end);
      for (let index = (after === null ? node.entries.length : node.lowerBound(after)) - 1; index >= 0; index--) {
        const entry = node.entries[index] as StreamEntry;
        if (compareStreamIds(entry.id, start) < 0) return;
        if (!entry.deleted) yield entry;
      }
    }
  }

  /** The live entry with this ID. */
  entry(id: StreamId): StreamEntry | undefined {
    for (const entry of this.range(id, id)) return entry;
    return undefined;
  }

  /** streamGetEdgeID over live entries: the first (or last) ID; max (or 0-0) when empty. */
  edgeId(first: boolean): StreamId {
    for (const entry of this.range(streamIdZero, streamIdMax, !first)) return entry.id;
    return first ? streamIdMax : streamIdZero;
  }

  /** streamDeleteItem: marks the entry deleted; false when there is no live entry with this ID. */
  delete(id: StreamId): boolean {
    const nodeIndex = this.nodeIndexFor(id);
    const node = this.nodes[nodeIndex];
    if (node === undefined) return false;
    const index = node.lowerBound(id);
    const entry = node.entries[index];
    if (entry === undefined || entry.deleted || compareStreamIds(entry.id, id) !== 0) return false;
    this.liveCount--;
    if (node.live === 1) {
      this.removeNodeAt(nodeIndex);
      return true;
    }
    entry.deleted = true;
    node.live--;
    node.deleted++;
    return true;
  }

  /** Drops a node and everything it held (its tombstones' bytes were counted until now). */
  private removeNodeAt(nodeIndex: number): void {
    const [node] = this.nodes.splice(nodeIndex, 1) as [StreamNode];
    this.contentBytes -= node.storedBytes;
    this.heldEntries -= node.entries.length;
  }

  /** XDEL's bookkeeping after deleting `ids`: the first ID and the largest tombstone. */
  recordDeletions(deletedIds: readonly StreamId[]): void {
    if (deletedIds.length === 0) return;
    let firstDeleted = false;
    for (const id of deletedIds) {
      if (compareStreamIds(id, this.firstId) === 0) firstDeleted = true;
      if (compareStreamIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    }
    if (this.liveCount === 0) this.firstId = streamIdZero;
    else if (firstDeleted) this.firstId = this.edgeId(true);
  }

  /** streamTrim: removes entries from the head; returns how many. */
  trim(options: StreamTrimOptions): number {
    let removed = 0;
    while (this.nodes.length > 0) {
      if (options.strategy === 'maxlen' && BigInt(this.liveCount) <= options.maxLength) break;
      const node = this.nodes[0] as StreamNode;
      if (options.limit > 0 && removed + node.live > options.limit) break;
      const removeNode =
        options.strategy === 'maxlen' ? BigInt(this.liveCount - node.live) >= options.maxLength : compareStreamIds(node.lastId, options.minId) < 0;
      if (removeNode) {
        this.removeNodeAt(0);
        this.liveCount -= node.live;
        removed += node.live;
        continue;
      }
      if (options.approximate) break;
      for (const entry of node.entries) {
        if (entry.deleted) continue;
        if (options.strategy === 'maxlen' ? BigInt(this.liveCount) <= options.maxLength : compareStreamIds(entry.id, options.minId) >= 0) break;
        entry.deleted = true;
        node.live--;
        node.deleted++;
        this.liveCount--;
        removed++;
      }
      break;
    }
    this.firstId = this.liveCount === 0 ? streamIdZero : this.edgeId(true);
    return removed;
  }

  /** streamRangeHasTombstones: whether an XDEL'd ID may lie in [start, end]. */
  rangeHasTombstones(start: StreamId | null, end: StreamId | null): boolean {
    if (this.liveCount === 0 || isZeroStreamId(this.maxDeletedId)) return false;
    if (compareStreamIds(this.firstId, this.maxDeletedId) > 0) return false;
    return compareStreamIds(start ?? streamIdZero, this.maxDeletedId) <= 0 && compareStreamIds(this.maxDeletedId, end ?? streamIdMax) <= 0;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the read counter of `id`, or {@link entriesReadInvalid}. */
  estimateEntriesRead(id: StreamId): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.liveCount === 0 && compareStreamIds(id, this.lastId) < 1) return this.entriesAdded;
    const againstLast = compareStreamIds(id, this.lastId);
    if (againstLast === 0) return this.entriesAdded;
    if (againstLast > 0) return entriesReadInvalid;
    const againstFirst = compareStreamIds(id, this.firstId);
    if (isZeroStreamId(this.maxDeletedId) || compareStreamIds(this.maxDeletedId, this.firstId) < 0) {
      if (againstFirst < 0) return this.entriesAdded - BigInt(this.liveCount);
      if (againstFirst === 0) return this.entriesAdded - BigInt(this.liveCount) + 1n;
    }
    return entriesReadInvalid;
  }

  /** streamReplyWithCGLag's number, or null when it cannot be known. */
  lagOf(group: StreamGroup): bigint | null {
    if (this.entriesAdded === 0n) return 0n;
    if (group.entriesRead !== entriesReadInvalid && !this.rangeHasTombstones(group.lastId, null)) return this.entriesAdded - group.entriesRead;
    const estimate = this.estimateEntriesRead(group.lastId);
    return estimate === entriesReadInvalid ? null : this.entriesAdded - estimate;
  }

  /** The group read up to `id` (delivering it as new): its last ID and read counter advance. */
  advanceGroup(group: StreamGroup, id: StreamId): void {
    if (compareStreamIds(id, group.lastId) <= 0) return;
    if (group.entriesRead !== entriesReadInvalid && !this.rangeHasTombstones(id, null)) group.entriesRead++;
    else if (this.entriesAdded > 0n) group.entriesRead = this.estimateEntriesRead(id);
    group.lastId = id;
  }

  /** Groups in name order. */
  groups(): StreamGroup[] {
    return [...this.groupByName.values()].sort(byNameBytes);
  }

  get groupCount(): number {
    return this.groupByName.size;
  }

  group(name: Buffer): StreamGroup | undefined {
    return this.groupByName.get(name.toString('latin1'));
  }

  /** streamCreateCG: null when a group of that name exists. */
  createGroup(name: Buffer, lastId: StreamId, entriesRead: bigint): StreamGroup | null {
    const key = name.toString('latin1');
    if (this.groupByName.has(key)) return null;
    const group = new StreamGroup(Buffer.from(name), lastId, entriesRead);
    this.groupByName.set(key, group);
    return group;
  }

  deleteGroup(name: Buffer): boolean {
    return this.groupByName.delete(name.toString('latin1'));
  }

  /** A deep copy (COPY): entries are immutable and shared; groups, consumers and PELs are copied. */
  clone(): CacheStream {
    const copy = new CacheStream();
    for (const node of this.nodes) copy.loadNode(node.masterId, node.masterFieldNames, node.entries.map((entry) => ({ ...entry })));
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    for (const group of this.groups()) {
      const groupCopy = copy.createGroup(group.name, group.lastId, group.entriesRead) as StreamGroup;
      const consumerCopies = new Map<StreamConsumer, StreamConsumer>();
      for (const consumer of group.consumers()) {
        const consumerCopy = groupCopy.createConsumer(consumer.name, consumer.seenTimeMs) as StreamConsumer;
        consumerCopy.activeTimeMs = consumer.activeTimeMs;
        consumerCopies.set(consumer, consumerCopy);
      }
      for (const pending of group.pending.values()) {
        const consumer = pending.consumer === null ? null : (consumerCopies.get(pending.consumer) ?? null);
        const pendingCopy: StreamPendingEntry = { id: pending.id, consumer, deliveryTimeMs: pending.deliveryTimeMs, deliveryCount: pending.deliveryCount };
        groupCopy.pending.insert(pendingCopy);
        consumer?.pending.insert(pendingCopy);
      }
    }
    return copy;
  }
}

/** streamIncrID for an ID known to be below the maximum (a delivered entry's successor). */
export function streamIdAfter(id: StreamId): StreamId {
  return nextStreamId(id) ?? { ms: uint64Max, seq: uint64Max };
}
