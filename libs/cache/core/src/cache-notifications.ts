/**
 * Keyspace notifications (Redis's notify.c): which classes of events `notify-keyspace-events` asks
 * for, and the event each command's change to a key is published as. Events go to
 * `__keyspace@<db>__:<key>` (message: the event, with K) and `__keyevent@<db>__:<event>` (message:
 * the key, with E).
 *
 * The engine records the keys a command changed (created, changed, deleted) and names the events
 * after the command with the table below, as Redis's commands do at each change: a collection
 * emptied by a command also gets the generic `del`, `n` reports created keys, and expiry and eviction
 * are reported as they happen (`expired`, `evicted`).
 */
import { CacheCommandError } from './cache-command-errors.js';
import { type CacheKeyChange } from './cache-keyspace.js';

/** Event classes, by Redis's flag characters. */
export type CacheEventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

const classOrder: readonly CacheEventClass[] = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'm', 'd'];
/** `A`: every class but key-miss (m) and new-key (n) events. */
const allClasses: readonly CacheEventClass[] = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd'];

export interface CacheNotifyFlags {
  readonly classes: ReadonlySet<CacheEventClass>;
  readonly keyspace: boolean;
  readonly keyevent: boolean;
}

export const cacheNotifyNone: CacheNotifyFlags = { classes: new Set(), keyspace: false, keyevent: false };

/** keyspaceEventsStringToFlags; null for an invalid character. */
export function parseNotifyFlags(text: string): CacheNotifyFlags | null {
  const classes = new Set<CacheEventClass>();
  let keyspace = false;
  let keyevent = false;
  for (const character of text) {
    if (character === 'A') for (const eventClass of allClasses) classes.add(eventClass);
    else if (character === 'K') keyspace = true;
    else if (character === 'E') keyevent = true;
    else if ((classOrder as readonly string[]).includes(character) || character === 'n') classes.add(character as CacheEventClass);
    else return null;
  }
  return { classes, keyspace, keyevent };
}

/** keyspaceEventsFlagsToString: what CONFIG GET shows (`AKE`, `Ex`, ...). */
export function formatNotifyFlags(flags: CacheNotifyFlags): string {
  let text = allClasses.every((eventClass) => flags.classes.has(eventClass)) ? 'A' : classOrder.filter((eventClass) => flags.classes.has(eventClass)).join('');
  if (flags.classes.has('m') && text.startsWith('A')) text += 'm';
  if (flags.classes.has('n')) text += 'n';
  if (flags.keyspace) text += 'K';
  if (flags.keyevent) text += 'E';
  return text;
}

/** CONFIG SET's check of the value. */
export function validateNotifyFlags(text: string): void {
  if (parseNotifyFlags(text) === null) {
    throw new CacheCommandError('message', "CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
}

/** The class and event name of one change made by a command, or null when Redis reports none. */
export type CacheKeyEvent = readonly [CacheEventClass, string];

function lowerAt(args: readonly Buffer[], index: number): string {
  return (args[index] ?? Buffer.alloc(0)).toString('latin1').toLowerCase();
}

/** Commands whose every change is one event of one class. */
const simpleEvents: Readonly<Record<string, CacheKeyEvent>> = {
  set: ['$', 'set'], setnx: ['$', 'set'], setex: ['$', 'set'], psetex: ['$', 'set'], getset: ['$', 'set'], mset: ['$', 'set'],
  msetnx: ['$', 'set'], append: ['$', 'append'], setrange: ['$', 'setrange'], incr: ['$', 'incrby'], incrby: ['$', 'incrby'],
  decr: ['$', 'decrby'], decrby: ['$', 'decrby'], incrbyfloat: ['$', 'incrbyfloat'], setbit: ['$', 'setbit'], bitop: ['$', 'set'],
  pfadd: ['$', 'pfadd'], pfmerge: ['$', 'pfadd'], bitfield: ['$', 'setbit'],
  del: ['g', 'del'], unlink: ['g', 'del'], getdel: ['g', 'del'], persist: ['g', 'persist'], copy: ['g', 'copy_to'],
  expire: ['g', 'expire'], pexpire: ['g', 'expire'], expireat: ['g', 'expire'], pexpireat: ['g', 'expire'],
  sort: ['l', 'sortstore'],
  lpush: ['l', 'lpush'], lpushx: ['l', 'lpush'], rpush: ['l', 'rpush'], rpushx: ['l', 'rpush'], lpop: ['l', 'lpop'], blpop: ['l', 'lpop'],
  rpop: ['l', 'rpop'], brpop: ['l', 'rpop'], linsert: ['l', 'linsert'], lset: ['l', 'lset'], lrem: ['l', 'lrem'], ltrim: ['l', 'ltrim'],
  hset: ['h', 'hset'], hsetnx: ['h', 'hset'], hmset: ['h', 'hset'], hdel: ['h', 'hdel'], hincrby: ['h', 'hincrby'], hincrbyfloat: ['h', 'hincrbyfloat'],
  sadd: ['s', 'sadd'], srem: ['s', 'srem'], spop: ['s', 'spop'], sinterstore: ['s', 'sinterstore'], sunionstore: ['s', 'sunionstore'],
  sdiffstore: ['s', 'sdiffstore'],
  zincrby: ['z', 'zincr'], zrem: ['z', 'zrem'], zpopmin: ['z', 'zpopmin'], bzpopmin: ['z', 'zpopmin'], zpopmax: ['z', 'zpopmax'],
  bzpopmax: ['z', 'zpopmax'], zremrangebyscore: ['z', 'zremrangebyscore'], zremrangebyrank: ['z', 'zremrangebyrank'],
  zremrangebylex: ['z', 'zremrangebylex'], zunionstore: ['z', 'zunionstore'], zinterstore: ['z', 'zinterstore'],
  zdiffstore: ['z', 'zdiffstore'], zrangestore: ['z', 'zrangestore'],
  geoadd: ['z', 'zadd'], geosearchstore: ['z', 'geosearchstore'],
  xadd: ['t', 'xadd'], xtrim: ['t', 'xtrim'], xdel: ['t', 'xdel'], xsetid: ['t', 'xsetid'],
};

/** The event for a command whose event depends on its arguments or on which key changed. */
function argumentEvent(command: string, args: readonly Buffer[], key: string, change: CacheKeyChange): CacheKeyEvent | null {
  const keyAt = (index: number): string => (args[index] ?? Buffer.alloc(0)).toString('latin1');
  switch (command) {
    case 'rename':
    case 'renamenx':
      return ['g', change === 'deleted' ? 'rename_from' : 'rename_to'];
    case 'move':
      return ['g', change === 'deleted' ? 'move_from' : 'move_to'];
    case 'restore':
      // A TTL already in the past with REPLACE only deletes the old key, which Redis reports as `del`.
      return ['g', change === 'deleted' ? 'del' : 'restore'];
    case 'getex':
      return ['g', ['persist'].includes(lowerAt(args, 2)) ? 'persist' : 'expire'];
    case 'lmove':
    case 'blmove':
      return key === keyAt(1) && change !== 'created' && !(keyAt(1) === keyAt(2))
        ? ['l', lowerAt(args, 3) === 'left' ? 'lpop' : 'rpop']
        : ['l', lowerAt(args, 4) === 'left' ? 'lpush' : 'rpush'];
    case 'rpoplpush':
    case 'brpoplpush':
      return key === keyAt(1) && keyAt(1) !== keyAt(2) ? ['l', 'rpop'] : ['l', 'lpush'];
    case 'lmpop':
    case 'blmpop': {
      const numkeysIndex = command === 'blmpop' ? 2 : 1;
      const numkeys = Number(keyAt(numkeysIndex));
      return ['l', lowerAt(args, numkeysIndex + 1 + numkeys) === 'left' ? 'lpop' : 'rpop'];
    }
    case 'georadius':
    case 'georadiusbymember':
      // Only their STORE / STOREDIST options change a key; an empty result deletes it.
      return change === 'deleted' ? ['g', 'del'] : ['z', 'georadiusstore'];
    case 'xgroup':
      // Only the changes that signal the key reach here: CREATE ... MKSTREAM and DESTROY.
      return ['t', `xgroup-${lowerAt(args, 1)}`];
    case 'smove':
      return ['s', key === keyAt(1) ? 'srem' : 'sadd'];
    case 'zadd':
      return ['z', args.some((argument, index) => index >= 2 && argument.toString('latin1').toLowerCase() === 'incr') ? 'zincr' : 'zadd'];
    case 'zmpop':
    case 'bzmpop': {
      const numkeysIndex = command === 'bzmpop' ? 2 : 1;
      const numkeys = Number(keyAt(numkeysIndex));
      return ['z', lowerAt(args, numkeysIndex + 1 + numkeys) === 'min' ? 'zpopmin' : 'zpopmax'];
    }
    default:
      return null;
  }
}

/**
 * The events one change made by `command` publishes, in Redis's order: the command's own event, then
 * `del` when a collection it changed became empty, then `new` for a created key (class n).
 */
export function keyEventsOf(command: string, args: readonly Buffer[], key: string, change: CacheKeyChange): CacheKeyEvent[] {
  if (change === 'expired') return [['x', 'expired']];
  if (change === 'evicted') return [['e', 'evicted']];
  // A STORE (or BITOP) with an empty result deletes its destination: only `del` is reported.
  if (change === 'deleted' && (command.endsWith('store') || command === 'bitop' || command === 'sort')) return [['g', 'del']];
  const own = simpleEvents[command] ?? argumentEvent(command, args, key, change);
  const events: CacheKeyEvent[] = [];
  if (own !== null) {
    // An EXPIRE whose time is already past deletes the key: Redis reports `del`.
    if (own[0] === 'g' && own[1] === 'expire' && change === 'deleted') return [['g', 'del']];
    events.push(own);
  }
  if (change === 'deleted' && own !== null && own[0] !== 'g') events.push(['g', 'del']);
  if (change === 'created') events.push(['n', 'new']);
  return events;
}
