#!/usr/bin/env node
// Prints the rows of libs/cache/core/src/cache-command-metadata.ts (the `rows` table) from a running
// redis-server 7.0, by asking it COMMAND INFO and COMMAND DOCS (RESP3) for every command the cache
// implements or will implement. Usage: generate-cache-command-metadata.mjs [port, default 6379]
// Paste the output between the `BEGIN GENERATED` and `END GENERATED` markers of that file.
import net from 'node:net';

const names = `
  get set setnx setex psetex getset getdel getex mget mset msetnx incr decr incrby decrby incrbyfloat append strlen
  getrange setrange substr lcs
  del unlink exists touch type expire pexpire expireat pexpireat ttl pttl expiretime pexpiretime persist rename renamenx
  keys scan randomkey copy move object dump restore sort sort_ro
  setbit getbit bitcount bitpos bitop bitfield bitfield_ro
  lpush rpush lpushx rpushx lpop rpop llen lrange lindex lset linsert lrem ltrim lpos rpoplpush lmove blpop brpop
  brpoplpush blmove lmpop blmpop
  hset hsetnx hget hmset hmget hdel hlen hstrlen hexists hkeys hvals hgetall hincrby hincrbyfloat hrandfield hscan
  sadd srem smembers sismember smismember scard spop srandmember smove sinter sintercard sinterstore sunion sunionstore
  sdiff sdiffstore sscan
  zadd zincrby zrem zcard zscore zmscore zrank zrevrank zrange zrangestore zrevrange zrangebyscore zrevrangebyscore
  zrangebylex zrevrangebylex zcount zlexcount zremrangebyrank zremrangebyscore zremrangebylex zpopmin zpopmax bzpopmin
  bzpopmax zmpop bzmpop zrandmember zunion zunionstore zinter zinterstore zintercard zdiff zdiffstore zscan
  subscribe psubscribe unsubscribe punsubscribe publish pubsub ssubscribe sunsubscribe spublish
  multi exec discard watch unwatch
  ping echo select hello auth client quit reset
  command info config dbsize flushdb flushall time swapdb debug acl lastsave
  script function eval evalsha eval_ro evalsha_ro fcall fcall_ro
  pfadd pfcount pfmerge pfdebug pfselftest
  geoadd geopos geodist geohash geosearch geosearchstore georadius georadiusbymember georadius_ro georadiusbymember_ro
  xadd xtrim xlen xdel xrange xrevrange xread xreadgroup xgroup xack xpending xclaim xautoclaim xsetid xinfo
  monitor slowlog memory latency
`.trim().split(/\s+/);

const port = Number(process.argv[2] ?? 6379);
const socket = net.connect(port);
let buffer = Buffer.alloc(0);
const waiters = [];
socket.on('data', (data) => {
  buffer = Buffer.concat([buffer, data]);
  while (waiters.length > 0) {
    const parsed = parse(buffer, 0);
    if (parsed === null) return;
    buffer = buffer.subarray(parsed[1]);
    waiters.shift()(parsed[0]);
  }
});

/** A small RESP3 reader: maps become arrays of [key, value] pairs, sets and pushes arrays. */
function parse(bytes, start) {
  const end = bytes.indexOf('\r\n', start);
  if (end < 0) return null;
  const type = String.fromCharCode(bytes[start]);
  const line = bytes.toString('utf8', start + 1, end);
  const next = end + 2;
  if ('+-:,#_'.includes(type)) return [type === ':' ? Number(line) : type === '_' ? null : line, next];
  if (type === '$' || type === '=') {
    const length = Number(line);
    if (bytes.length < next + length + 2) return null;
    return [bytes.toString('utf8', next, next + length), next + length + 2];
  }
  if ('*~>%'.includes(type)) {
    const count = Number(line) * (type === '%' ? 2 : 1);
    const items = [];
    let offset = next;
    for (let index = 0; index < count; index++) {
      const parsed = parse(bytes, offset);
      if (parsed === null) return null;
      items.push(parsed[0]);
      offset = parsed[1];
    }
    if (type !== '%') return [items, offset];
    const pairs = [];
    for (let index = 0; index < items.length; index += 2) pairs.push([items[index], items[index + 1]]);
    return [pairs, offset];
  }
  throw new Error(`unexpected RESP type ${type}`);
}

function call(...args) {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  socket.write(parts.join(''));
  return new Promise((resolve) => waiters.push(resolve));
}

const field = (pairs, name) => pairs.find(([key]) => key === name)?.[1];
const quote = (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A key spec in the table's notation (see the header of cache-command-metadata.ts). */
function keySpecText(spec) {
  const flags = field(spec, 'flags').join(',');
  const begin = field(spec, 'begin_search');
  const beginSpec = field(begin, 'spec');
  const beginText = {
    index: () => `i${field(beginSpec, 'index')}`,
    keyword: () => `k${field(beginSpec, 'keyword')},${field(beginSpec, 'startfrom')}`,
    unknown: () => 'u',
  }[field(begin, 'type')]();
  const find = field(spec, 'find_keys');
  const findSpec = field(find, 'spec');
  const findText = {
    range: () => `r${field(findSpec, 'lastkey')},${field(findSpec, 'keystep')},${field(findSpec, 'limit')}`,
    keynum: () => `n${field(findSpec, 'keynumidx')},${field(findSpec, 'firstkey')},${field(findSpec, 'keystep')}`,
    unknown: () => 'u',
  }[field(find, 'type')]();
  return `${flags}@${beginText}:${findText}`;
}

function rowText(info, docs) {
  const [name, arity, flags, firstKey, lastKey, step, categories, tips, keySpecs] = info;
  const parts = [
    `name: ${quote(name)}`,
    `arity: ${arity}`,
    `flags: ${quote(flags.join(' '))}`,
    `keys: '${firstKey} ${lastKey} ${step}'`,
    `acl: ${quote(categories.map((category) => category.slice(1)).join(' '))}`,
  ];
  if (keySpecs.length > 0) parts.push(`keySpecs: ${quote(keySpecs.map(keySpecText).join(' '))}`);
  if (tips.length > 0) parts.push(`tips: ${quote(tips.join(' '))}`);
  parts.push(`group: ${quote(field(docs, 'group'))}`, `since: ${quote(field(docs, 'since') ?? '')}`);
  const docFlags = field(docs, 'doc_flags') ?? [];
  if (docFlags.length > 0) parts.push(`docFlags: ${quote(docFlags.join(' '))}`);
  const deprecatedSince = field(docs, 'deprecated_since');
  if (deprecatedSince !== undefined) parts.push(`deprecatedSince: ${quote(deprecatedSince)}`, `replacedBy: ${quote(field(docs, 'replaced_by') ?? '')}`);
  parts.push(`complexity: ${quote(field(docs, 'complexity') ?? '')}`, `summary: ${quote(field(docs, 'summary') ?? '')}`);
  return `  { ${parts.join(', ')} },`;
}

await call('HELLO', '3');
const lines = [];
for (const name of names) {
  const [info] = await call('COMMAND', 'INFO', name);
  if (info === null) throw new Error(`unknown command ${name}`);
  const [[, docs]] = await call('COMMAND', 'DOCS', name);
  lines.push(rowText(info, docs));
  const subcommands = [...info[9]].sort((a, b) => a[0].localeCompare(b[0]));
  const subcommandDocs = field(docs, 'subcommands') ?? [];
  for (const subcommand of subcommands) lines.push(rowText(subcommand, field(subcommandDocs, subcommand[0])));
}
console.log(lines.join('\n'));
socket.end();
