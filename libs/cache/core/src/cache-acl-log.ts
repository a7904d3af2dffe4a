/**
 * ACL LOG (Redis acl.c addACLLogEntry / aclCommand "log"): the recent denials, newest first. A
 * denial like one of the 10 newest (same reason, context, object and user, within 60 seconds of
 * its last update) counts on that entry and moves it to the front instead of adding one; the log
 * keeps at most `acllog-max-len` entries. Entries carry Redis 7.2's entry-id and timestamps.
 */
import { respBulkString, respInteger, type RespValue } from './resp-value.js';

export type CacheAclLogReason = 'command' | 'key' | 'channel' | 'auth';
export type CacheAclLogContext = 'toplevel' | 'multi';

export interface CacheAclLogRecord {
  readonly reason: CacheAclLogReason;
  readonly context: CacheAclLogContext;
  /** The command's full name, the key or channel argument, or AUTH / HELLO for a failed login. */
  readonly object: string;
  readonly username: string;
  /** The client's CLIENT LIST line at the time. */
  readonly clientInfo: string;
}

interface CacheAclLogEntry extends CacheAclLogRecord {
  count: number;
  clientInfo: string;
  readonly entryId: number;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

/** ACL_LOG_GROUPING_MAX_TIME_DELTA and how many recent entries are searched for a match. */
const groupingWindowMs = 60_000;
const groupingScanMax = 10;

export class CacheAclLog {
  private entries: CacheAclLogEntry[] = [];
  private entryIdNext = 0;

  add(record: CacheAclLogRecord, nowMs: number, lengthMax: number): void {
    const scanned = Math.min(groupingScanMax, this.entries.length);
    for (let index = 0; index < scanned; index++) {
      const entry = this.entries[index] as CacheAclLogEntry;
      const matches =
        entry.reason === record.reason &&
        entry.context === record.context &&
        entry.object === record.object &&
        entry.username === record.username &&
        nowMs - entry.updatedAtMs <= groupingWindowMs;
      if (!matches) continue;
      entry.count++;
      entry.updatedAtMs = nowMs;
      entry.clientInfo = record.clientInfo;
      this.entries.splice(index, 1);
      this.entries.unshift(entry);
      return;
    }
    this.entries.unshift({ ...record, count: 1, entryId: this.entryIdNext++, createdAtMs: nowMs, updatedAtMs: nowMs });
    if (this.entries.length > lengthMax) this.entries.length = lengthMax;
  }

  reset(): void {
    this.entries = [];
  }

  /** ACL LOG [count]: the newest `count` entries as maps (flat arrays in RESP2). */
  reply(count: number, nowMs: number): RespValue {
    return {
      type: 'array',
      items: this.entries.slice(0, Math.max(count, 0)).map((entry) => ({
        type: 'map',
        entries: [
          [respBulkString('count'), respInteger(entry.count)],
          [respBulkString('reason'), respBulkString(entry.reason)],
          [respBulkString('context'), respBulkString(entry.context)],
          [respBulkString('object'), respBulkString(Buffer.from(entry.object, 'latin1'))],
          [respBulkString('username'), respBulkString(Buffer.from(entry.username, 'latin1'))],
          [respBulkString('age-seconds'), { type: 'double', value: (nowMs - entry.updatedAtMs) / 1000 }],
          [respBulkString('client-info'), respBulkString(Buffer.from(entry.clientInfo, 'latin1'))],
          [respBulkString('entry-id'), respInteger(entry.entryId)],
          [respBulkString('timestamp-created'), respInteger(entry.createdAtMs)],
          [respBulkString('timestamp-last-updated'), respInteger(entry.updatedAtMs)],
        ],
      })),
    };
  }
}
