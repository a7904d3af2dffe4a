/**
 * SORT and SORT_RO, following redis/redis src/sort.c (Redis 7.0 sortCommandGeneric): option parsing
 * order, the LIMIT clamping, BY and GET patterns (`*` replaced by the element, `->field` for a hash
 * field, `#` for the element itself), numeric scores parsed like strtod, ties broken by comparing
 * the elements, and STORE writing a list (or deleting the destination when the result is empty).
 *
 * Elements, patterns and looked-up values are handled as latin1 text (one char per byte), so JS
 * string comparison is Redis's byte comparison. ALPHA compares with strcoll, which in the C locale
 * the server runs with is that same byte order.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { CacheList } from './cache-list.js';
import { type CacheDatabase, type KeyText } from './cache-keyspace.js';
import { parseFloat64 } from './cache-number.js';
import { latin1TextOf } from './cache-string-value.js';
import { respBulkString, respInteger, respNullBulk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

interface SortOptions {
  descending: boolean;
  alpha: boolean;
  /** BY's pattern; null without BY. */
  by: string | null;
  /** BY with a pattern without `*` (`BY nosort`): keep the collection's own order. */
  dontSort: boolean;
  limitStart: bigint;
  limitCount: bigint;
  gets: string[];
  store: KeyText | null;
}

function parseSortOptions(args: Args, readOnly: boolean, fullKeyAccess: () => boolean): SortOptions {
  const options: SortOptions = { descending: false, alpha: false, by: null, dontSort: false, limitStart: 0n, limitCount: -1n, gets: [], store: null };
  for (let index = 2; index < args.length; index++) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    const more = args.length - 1 - index;
    if (option === 'asc') options.descending = false;
    else if (option === 'desc') options.descending = true;
    else if (option === 'alpha') options.alpha = true;
    else if (option === 'limit' && more >= 2) {
      options.limitStart = requireInt64(argumentAt(args, index + 1));
      options.limitCount = requireInt64(argumentAt(args, index + 2));
      index += 2;
    } else if (option === 'store' && more >= 1 && !readOnly) {
      options.store = keyAt(args, ++index);
    } else if (option === 'by' && more >= 1) {
      options.by = latin1TextOf(argumentAt(args, ++index));
      // A pattern without `*` names one key for every element: nothing to sort by.
      if (!options.by.includes('*')) options.dontSort = true;
      else if (!fullKeyAccess()) throw new CacheCommandError('message', 'BY option of SORT denied due to insufficient ACL permissions.');
    } else if (option === 'get' && more >= 1) {
      // GET reads keys the ACL check of the command's own keys never saw.
      if (!fullKeyAccess()) throw new CacheCommandError('message', 'GET option of SORT denied due to insufficient ACL permissions.');
      options.gets.push(latin1TextOf(argumentAt(args, ++index)));
    } else throw new CacheCommandError('syntax');
  }
  return options;
}

/**
 * lookupKeyByPattern: `#` is the element; otherwise the first `*` is replaced by the element, and a
 * `->field` suffix reads that field of a hash. Null when the key is missing or of the wrong type, or
 * the pattern has no `*`.
 */
function lookupByPattern(database: CacheDatabase, pattern: string, element: string, nowMs: number): string | null {
  if (pattern === '#') return element;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < pattern.length;
  const postfix = hasField ? pattern.slice(star + 1, arrow) : pattern.slice(star + 1);
  // Latin1 text built from latin1 text: already a key's text form.
  const value = database.lookupValue((pattern.slice(0, star) + element + postfix) as KeyText, nowMs);
  if (value === undefined) return null;
  if (hasField) {
    if (value.type !== 'hash') return null;
    const field = value.hash.get(pattern.slice(arrow + 2) as KeyText);
    return field === undefined ? null : latin1TextOf(field);
  }
  return value.type === 'string' ? latin1TextOf(value.bytes) : null;
}

/** C's isspace: what strtod skips before the number. */
const strtodSpace = /^[ \t\n\v\f\r]*/;

/**
 * SORT's numeric score: strtod with nothing left over, not NaN and not out of range. An empty
 * string is 0 (strtod converts nothing and stops at its end); anything else unparsable is null.
 */
function sortScoreOf(text: string): number | null {
  const nul = text.indexOf('\0');
  const number = (nul >= 0 ? text.slice(0, nul) : text).replace(strtodSpace, '');
  if (number.length === 0) return nul === 0 || text.length === 0 ? 0 : null;
  const value = parseFloat64(Buffer.from(number, 'latin1'));
  if (value === null) return null;
  // ERANGE: a finite literal too large for a double (`inf` itself is fine).
  if (!Number.isFinite(value) && !/^[+-]?inf/i.test(number)) return null;
  return value;
}

interface SortItem {
  readonly element: string;
  score: number;
  /** ALPHA BY: the looked-up value, null when missing (sorts first). */
  compareWith: string | null;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sortCompare. */
function compareItems(options: SortOptions, a: SortItem, b: SortItem): number {
  let order: number;
  if (!options.alpha) {
    order = a.score > b.score ? 1 : a.score < b.score ? -1 : compareText(a.element, b.element);
  } else if (options.by !== null) {
    if (a.compareWith === null || b.compareWith === null) order = a.compareWith === b.compareWith ? 0 : a.compareWith === null ? -1 : 1;
    else order = compareText(a.compareWith, b.compareWith);
  } else {
    order = compareText(a.element, b.element);
  }
  return options.descending ? -order : order;
}

/** The elements to sort: a list or sorted set in its order, a set in its storage order. */
function elementsOf(database: CacheDatabase, key: KeyText, nowMs: number): string[] {
  const value = database.lookupValue(key, nowMs);
  if (value === undefined) return [];
  switch (value.type) {
    case 'list':
      return value.list.toArray().map((element) => latin1TextOf(element));
    case 'set':
      return [...value.set.values()];
    case 'zset':
      return [...value.zset.values()].map((entry) => entry.member);
    default:
      throw new CacheCommandError('wrong-type');
  }
}

function sortGeneric(context: CacheCommandContext, args: Args, readOnly: boolean): RespValue {
  const database = selectedDatabase(context);
  const options = parseSortOptions(args, readOnly, () => context.session.hasFullKeyAccess?.() ?? true);
  const key = keyAt(args, 1);
  const sorted = database.lookupValue(key, context.nowMs);
  const type = sorted?.type;
  let elements = elementsOf(database, key, context.nowMs);
  // Redis converts a sorted set it sorts to its skiplist encoding, for good (OBJECT ENCODING shows it).
  if (sorted?.type === 'zset') sorted.zset.convertToSkiplist();
  // A set has no order of its own: one stored has to be the same on every replica, so sort it.
  if (options.dontSort && type === 'set' && options.store !== null) {
    options.dontSort = false;
    options.alpha = true;
    options.by = null;
  }
  // Lists and sorted sets keep their own order, walked backwards for DESC.
  if (options.dontSort && options.descending && (type === 'list' || type === 'zset')) elements = elements.reverse();

  // The LIMIT clamping of sortCommandGeneric, in int64 like Redis's longs.
  const count = BigInt(elements.length);
  let start = options.limitStart < 0n ? 0n : options.limitStart;
  let end = options.limitCount < 0n ? count - 1n : start + options.limitCount - 1n;
  if (start >= count) {
    start = count - 1n;
    end = count - 2n;
  }
  if (end >= count) end = count - 1n;

  let items: SortItem[] = elements.map((element) => ({ element, score: 0, compareWith: null }));
  if (!options.dontSort) {
    let conversionFailed = false;
    for (const item of items) {
      let text: string | null = item.element;
      if (options.by !== null) {
        text = lookupByPattern(database, options.by, item.element, context.nowMs);
        if (text === null) continue;
      }
      if (options.alpha) {
        if (options.by !== null) item.compareWith = text;
      } else {
        const score = sortScoreOf(text);
        if (score === null) conversionFailed = true;
        else item.score = score;
      }
    }
    if (conversionFailed) throw new CacheCommandError('message', "One or more scores can't be converted into double");
    items = items.sort((a, b) => compareItems(options, a, b));
  }

  const selected = end < start ? [] : items.slice(Number(start), Number(end) + 1);
  const output: (string | null)[] = [];
  for (const item of selected) {
    if (options.gets.length === 0) output.push(item.element);
    for (const pattern of options.gets) output.push(lookupByPattern(database, pattern, item.element, context.nowMs));
  }

  if (options.store === null) {
    return { type: 'array', items: output.map((text) => (text === null ? respNullBulk : respBulkString(Buffer.from(text, 'latin1')))) };
  }
  if (output.length === 0) {
    database.delete(options.store);
    return respInteger(0);
  }
  // A missing GET value is stored as an empty string.
  const list = CacheList.from(output.map((text) => Buffer.from(text ?? '', 'latin1')));
  database.set({ key: options.store, value: { type: 'list', list }, expireAtMs: null, keepExpiry: false });
  return respInteger(output.length);
}

export const cacheSortCommands: readonly CacheCommandSpec[] = [
  { name: 'sort', arity: -2, flags: ['write', 'denyoom'], handler: (context, args) => sortGeneric(context, args, false) },
  { name: 'sort_ro', arity: -2, flags: ['readonly'], handler: (context, args) => sortGeneric(context, args, true) },
];
