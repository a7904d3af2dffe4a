/**
 * Goal: the Redis command-line tools work against the cache as they do against Redis 7:
 * `redis-cli` with commands as arguments, as a piped interactive session, `--pipe` mass insertion,
 * `-3` (RESP3 output), `--scan --pattern` and `-a` with requirepass; `redis-benchmark` runs its
 * default test set to completion. Method: `objectbox start cache` as a real process, the Debian
 * redis-tools binaries (installed by .ci/run) as child processes with deadlines.
 */
import { strict as assert } from 'node:assert';
import { after, before, test as nodeTest, type TestContext } from 'node:test';
import { type CacheUnderTest, runTool, startCache, uniquePrefix } from './cache-e2e-support.js';
import { cleanUp } from './harness.js';

const password = 'cli-secret';
let cache: CacheUnderTest;
let securedCache: CacheUnderTest;

before(async () => {
  [cache, securedCache] = await Promise.all([startCache(), startCache({ requirepass: password })]);
});

after(async () => {
  const results = await Promise.all([cache?.process.stop('SIGTERM'), securedCache?.process.stop('SIGTERM')]);
  await cleanUp();
  for (const result of results) if (result !== undefined) assert.deepEqual(result, { code: 0, signal: null }, 'the cache stops cleanly on SIGTERM');
});

function test(name: string, body: (context: TestContext) => Promise<void>): void {
  nodeTest(name, { timeout: 180_000 }, body);
}

/** redis-cli against the cache; `args` follow the connection flags. */
async function cli(args: readonly string[], options: { input?: string | Buffer; port?: number; deadlineMs?: number } = {}): Promise<string> {
  const result = await runTool('redis-cli', ['-h', '127.0.0.1', '-p', `${options.port ?? cache.port}`, ...args], options);
  assert.equal(result.code, 0, `redis-cli ${args.join(' ')} exits 0: ${result.stderr}`);
  return result.stdout;
}

test('commands as arguments, raw and formatted output', async () => {
  const k = uniquePrefix('cli-args');
  assert.equal(await cli(['SET', `${k}s`, 'hello world']), 'OK\n');
  assert.equal(await cli(['GET', `${k}s`]), 'hello world\n');
  assert.equal(await cli(['APPEND', `${k}s`, '!']), '12\n');
  assert.equal(await cli(['--no-raw', 'GET', `${k}s`]), '"hello world!"\n');
  assert.equal(await cli(['--no-raw', 'INCR', `${k}n`]), '(integer) 1\n');
  assert.equal(await cli(['--no-raw', 'GET', `${k}missing`]), '(nil)\n');
  assert.equal(await cli(['--no-raw', 'RPUSH', `${k}l`, 'a b', 'c']), '(integer) 2\n');
  assert.equal(await cli(['--no-raw', 'LRANGE', `${k}l`, '0', '-1']), '1) "a b"\n2) "c"\n');
  assert.equal(await cli(['--no-raw', 'LRANGE', `${k}missing`, '0', '-1']), '(empty array)\n');
  assert.equal(await cli(['--no-raw', 'INCR', `${k}s`]), '(error) ERR value is not an integer or out of range\n');
  assert.equal(await cli(['NOSUCHCOMMAND', 'x']), "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' \n\n");
  assert.equal(await cli(['--no-raw', 'TYPE', `${k}l`]), 'list\n');
  assert.equal(await cli(['-x', 'SET', `${k}stdin`], { input: 'from stdin' }), 'OK\n', '-x reads the last argument from stdin');
  assert.equal(await cli(['GET', `${k}stdin`]), 'from stdin\n');
  assert.equal(await cli(['DEL', `${k}s`, `${k}n`, `${k}l`, `${k}stdin`]), '4\n');
  assert.equal(await cli(['-r', '3', 'INCR', `${k}repeat`]), '1\n2\n3\n', '-r repeats a command');
});

test('an interactive session through piped stdin', async () => {
  const k = uniquePrefix('cli-stdin');
  const session = [
    `SET "${k}q" "hello world"`,
    `GET "${k}q"`,
    `STRLEN "${k}q"`,
    `HSET ${k}h name box size 3`,
    `HGET ${k}h name`,
    `SADD ${k}set a b`,
    `ZADD ${k}z 2 b 1 a`,
    `ZRANGE ${k}z 0 -1 WITHSCORES`,
    `INCR "${k}q"`,
    `MULTI`,
    `INCR ${k}n`,
    `INCR ${k}n`,
    `EXEC`,
    `DEL "${k}q" ${k}h ${k}set ${k}z ${k}n`,
    'PING',
  ].join('\n');
  const output = await cli(['--no-raw'], { input: `${session}\n` });
  assert.equal(
    output,
    [
      'OK',
      '"hello world"',
      '(integer) 11',
      '(integer) 2',
      '"box"',
      '(integer) 2',
      '(integer) 2',
      '1) "a"',
      '2) "1"',
      '3) "b"',
      '4) "2"',
      '(error) ERR value is not an integer or out of range',
      'OK',
      'QUEUED',
      'QUEUED',
      '1) (integer) 1',
      '2) (integer) 2',
      '(integer) 5',
      'PONG',
      '',
    ].join('\n'),
  );
});

test('--pipe mass insertion of 100,000 SET commands in RESP', async () => {
  const database = '9';
  assert.equal(await cli(['-n', database, 'FLUSHDB']), 'OK\n');
  const parts: string[] = [];
  for (let index = 0; index < 100_000; index++) {
    const key = `pipe:${index}`;
    const value = `value-${index}`;
    parts.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
  }
  const output = await cli(['-n', database, '--pipe'], { input: parts.join(''), deadlineMs: 120_000 });
  assert.match(output, /All data transferred\. Waiting for the last reply\.\.\.\n/);
  assert.match(output, /\nerrors: 0, replies: 100000\n$/);
  assert.equal(await cli(['-n', database, 'DBSIZE']), '100000\n');
  assert.equal(await cli(['-n', database, 'GET', 'pipe:99999']), 'value-99999\n');
  assert.equal(await cli(['-n', database, 'FLUSHDB']), 'OK\n');
  assert.equal(await cli(['-n', database, 'DBSIZE']), '0\n');
});

test('-3 speaks RESP3: HELLO and HGETALL print as maps, doubles and nulls typed', async () => {
  const k = uniquePrefix('cli-resp3');
  await cli(['HSET', `${k}h`, 'f', 'v', 'g', 'w']);
  await cli(['ZADD', `${k}z`, '1.5', 'a']);
  assert.equal(await cli(['-3', '--no-raw', 'HGETALL', `${k}h`]), '1# "f" => "v"\n2# "g" => "w"\n');
  assert.equal(await cli(['--no-raw', 'HGETALL', `${k}h`]), '1) "f"\n2) "v"\n3) "g"\n4) "w"\n', 'RESP2 prints a flat array');
  assert.equal(await cli(['-3', 'HGETALL', `${k}h`]), 'f v\ng w\n');
  assert.equal(await cli(['-3', '--no-raw', 'ZSCORE', `${k}z`, 'a']), '(double) 1.5\n');
  assert.equal(await cli(['-3', '--no-raw', 'GET', `${k}missing`]), '(nil)\n');
  assert.equal(await cli(['-3', '--no-raw', 'SMEMBERS', `${k}missing`]), '(empty set)\n');
  const hello = await cli(['-3', '--no-raw', 'HELLO', '3']);
  assert.match(hello, /^1# "server" => "redis"\n2# "version" => "7\.\d+\.\d+"\n3# "proto" => \(integer\) 3\n4# "id" => \(integer\) \d+\n5# "mode" => "standalone"\n6# "role" => "master"\n7# "modules" => \(empty array\)\n$/);
  await cli(['DEL', `${k}h`, `${k}z`]);
});

test('--scan --pattern lists exactly the matching keys', async () => {
  const k = uniquePrefix('cli-scan');
  const pairs = Array.from({ length: 500 }, (_, index) => [`${k}${index % 2 === 0 ? 'even' : 'odd'}:${index}`, 'v']).flat();
  assert.equal(await cli(['MSET', ...pairs]), 'OK\n');
  const even = (await cli(['--scan', '--pattern', `${k}even:*`])).trim().split('\n').sort();
  assert.deepEqual(even, Array.from({ length: 250 }, (_, index) => `${k}even:${index * 2}`).sort());
  const some = (await cli(['--scan', '--pattern', `${k}odd:1?`])).trim().split('\n').sort();
  assert.deepEqual(some, ['11', '13', '15', '17', '19'].map((suffix) => `${k}odd:${suffix}`));
  assert.equal(await cli(['--scan', '--pattern', `${k}nothing:*`]), '');
  const keys = pairs.filter((_, index) => index % 2 === 0);
  assert.equal(await cli(['DEL', ...keys]), '500\n');
});

test('-a authenticates against requirepass; without it NOAUTH, with a wrong one WRONGPASS', async () => {
  const port = securedCache.port;
  assert.equal(await cli(['PING'], { port }), 'NOAUTH Authentication required.\n\n');
  const wrong = await runTool('redis-cli', ['-h', '127.0.0.1', '-p', `${port}`, '-a', 'wrong', '--no-auth-warning', 'PING']);
  assert.match(wrong.stdout + wrong.stderr, /WRONGPASS invalid username-password pair or user is disabled\./);
  assert.equal(await cli(['-a', password, '--no-auth-warning', 'PING'], { port }), 'PONG\n');
  assert.equal(await cli(['--user', 'default', '--pass', password, '--no-auth-warning', 'PING'], { port }), 'PONG\n');
  assert.equal(await cli(['--no-raw'], { port, input: `AUTH wrong\nAUTH ${password}\nPING\n` }), '(error) WRONGPASS invalid username-password pair or user is disabled.\nOK\nPONG\n');
});

test('redis-benchmark runs its default test set to completion without errors', async () => {
  const result = await runTool('redis-benchmark', ['-h', '127.0.0.1', '-p', `${cache.port}`, '-n', '2000', '-c', '20', '-q'], { deadlineMs: 170_000 });
  const output = `${result.stdout}\n${result.stderr}`.replace(/\r/g, '\n');
  assert.equal(result.code, 0, output);
  assert.doesNotMatch(output, /Error|ERR/, 'no test reports an error');
  const finished = output
    .split('\n')
    .filter((line) => / requests per second/.test(line))
    .map((line) => line.slice(0, line.indexOf(':')));
  for (const name of ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'SADD', 'HSET', 'SPOP', 'ZADD', 'ZPOPMIN', 'LRANGE_100 (first 100 elements)', 'LRANGE_600 (first 600 elements)', 'MSET (10 keys)']) {
    assert.ok(finished.includes(name), `${name} finished: ${finished.join(', ')}`);
  }
});
