/**
 * List commands as transcripts. Cases are ported from Redis's documentation examples and
 * tests/unit/type/list.tcl (Redis 7, without the encoding loops), plus every error text; the
 * non-blocking lines were checked against redis-server 7.0.15. Blocking commands are checked for
 * their block result (keys, deadline) and, with blocking not allowed (MULTI), their timeout reply.
 * Modification signals (WATCH, blocked clients) are checked with a keyspace listener.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheCommandTable } from './cache-commands.js';
import { type KeyText } from './cache-keyspace.js';
import { createTestContext, renderReply, replay, run } from './cache-session.spec-helper.js';
import { encodeReply } from './resp-encoder.js';
import { respNullArray, type RespValue } from './resp-value.js';

const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const notInteger = '-ERR value is not an integer or out of range';
const rankZero =
  "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

const sessions: Readonly<Record<string, readonly string[]>> = {
  'LPUSH RPUSH LLEN LRANGE (docs)': [
    'LPUSH mylist world -> :1',
    'LPUSH mylist hello -> :2',
    'LRANGE mylist 0 -1 -> ["hello", "world"]',
    'RPUSH mylist2 hello -> :1',
    'RPUSH mylist2 world -> :2',
    'LRANGE mylist2 0 -1 -> ["hello", "world"]',
    'LPUSH mylist3 a b c -> :3',
    'LRANGE mylist3 0 -1 -> ["c", "b", "a"]',
    'RPUSH mylist3 d e -> :5',
    'LRANGE mylist3 0 -1 -> ["c", "b", "a", "d", "e"]',
    'LLEN mylist3 -> :5',
    'LLEN not-a-key -> :0',
    'TYPE mylist3 -> +list',
    'SET str foobar -> +OK',
    `LPUSH str a -> ${wrongType}`,
    `RPUSH str a -> ${wrongType}`,
    `LLEN str -> ${wrongType}`,
    "LPUSH mylist -> -ERR wrong number of arguments for 'lpush' command",
    "RPUSH -> -ERR wrong number of arguments for 'rpush' command",
    "LLEN a b -> -ERR wrong number of arguments for 'llen' command",
    'RPUSH empty "" -> :1',
    'LRANGE empty 0 -1 -> [""]',
  ],
  'LPUSHX RPUSHX (list.tcl)': [
    'LPUSHX xlist a -> :0',
    'LLEN xlist -> :0',
    'RPUSHX xlist a -> :0',
    'EXISTS xlist -> :0',
    'RPUSH xlist b c -> :2',
    'RPUSHX xlist d -> :3',
    'LPUSHX xlist a -> :4',
    'RPUSHX xlist 42 x -> :6',
    'LPUSHX xlist y3 y2 y1 -> :9',
    'LRANGE xlist 0 -1 -> ["y1", "y2", "y3", "a", "b", "c", "d", "42", "x"]',
    'SET str x -> +OK',
    `LPUSHX str a -> ${wrongType}`,
    `RPUSHX str a -> ${wrongType}`,
    "LPUSHX xlist -> -ERR wrong number of arguments for 'lpushx' command",
  ],
  'LPOP RPOP with and without count (list.tcl, docs)': [
    'RPUSH mylist big 1 2 -> :3',
    'LPOP mylist -> "big"',
    'RPOP mylist -> "2"',
    'LPOP mylist -> "1"',
    'LLEN mylist -> :0',
    'EXISTS mylist -> :0',
    'LPOP mylist -> (nil)',
    'RPOP mylist -> (nil)',
    'RPUSH mylist one two three four five -> :5',
    'LPOP mylist 2 -> ["one", "two"]',
    'RPOP mylist 2 -> ["five", "four"]',
    'LPOP mylist 0 -> []',
    'LPOP mylist 10 -> ["three"]',
    'EXISTS mylist -> :0',
    'LPOP mylist 0 -> (nil)',
    'LPOP mylist 1 -> (nil)',
    'RPOP mylist 1 -> (nil)',
    'RPUSH mylist a -> :1',
    "LPOP mylist 1 2 -> -ERR wrong number of arguments for 'lpop' command",
    "RPOP mylist 1 2 -> -ERR wrong number of arguments for 'rpop' command",
    'LPOP mylist -1 -> -ERR value is out of range, must be positive',
    'RPOP mylist x -> -ERR value is out of range, must be positive',
    'LPOP nokey -1 -> -ERR value is out of range, must be positive',
    'LPOP mylist 9223372036854775807 -> ["a"]',
    'LPOP mylist 9223372036854775808 -> -ERR value is out of range, must be positive',
    'SET notalist foo -> +OK',
    `LPOP notalist -> ${wrongType}`,
    `RPOP notalist -> ${wrongType}`,
    `LPOP notalist 0 -> ${wrongType}`,
    "LPOP -> -ERR wrong number of arguments for 'lpop' command",
  ],
  'LINDEX LSET (docs, list.tcl)': [
    'LPUSH mylist World -> :1',
    'LPUSH mylist Hello -> :2',
    'LINDEX mylist 0 -> "Hello"',
    'LINDEX mylist -1 -> "World"',
    'LINDEX mylist 3 -> (nil)',
    'LINDEX mylist -3 -> (nil)',
    'LINDEX mylist 9223372036854775807 -> (nil)',
    'LINDEX mylist -9223372036854775808 -> (nil)',
    `LINDEX mylist x -> ${notInteger}`,
    `LINDEX mylist 9223372036854775808 -> ${notInteger}`,
    'LINDEX not-a-key 10 -> (nil)',
    'LINDEX not-a-key x -> (nil)',
    'DEL mylist -> :1',
    'RPUSH mylist 99 98 big 96 95 -> :5',
    'LSET mylist 1 foo -> +OK',
    'LSET mylist -1 bar -> +OK',
    'LRANGE mylist 0 -1 -> ["99", "foo", "big", "96", "bar"]',
    'LSET mylist 10 foo -> -ERR index out of range',
    'LSET mylist -6 foo -> -ERR index out of range',
    `LSET mylist x foo -> ${notInteger}`,
    'LSET nosuchkey 10 foo -> -ERR no such key',
    'LSET nosuchkey x foo -> -ERR no such key',
    'SET nolist foobar -> +OK',
    `LSET nolist 0 foo -> ${wrongType}`,
    `LINDEX nolist 0 -> ${wrongType}`,
    `LINDEX nolist x -> ${wrongType}`,
  ],
  'LRANGE (docs, list.tcl)': [
    'RPUSH mylist one two three -> :3',
    'LRANGE mylist 0 0 -> ["one"]',
    'LRANGE mylist -3 2 -> ["one", "two", "three"]',
    'LRANGE mylist -100 100 -> ["one", "two", "three"]',
    'LRANGE mylist 5 10 -> []',
    'DEL mylist -> :1',
    'RPUSH mylist big 1 2 3 4 5 6 7 8 9 -> :10',
    'LRANGE mylist 1 -2 -> ["1", "2", "3", "4", "5", "6", "7", "8"]',
    'LRANGE mylist -3 -1 -> ["7", "8", "9"]',
    'LRANGE mylist 4 4 -> ["4"]',
    'LRANGE mylist 6 2 -> []',
    'LRANGE mylist 0 -10 -> ["big"]',
    'LRANGE mylist 0 -11 -> []',
    'LRANGE mylist -9223372036854775808 9223372036854775807 -> ["big", "1", "2", "3", "4", "5", "6", "7", "8", "9"]',
    'LRANGE nosuchkey 0 1 -> []',
    `LRANGE nosuchkey x 1 -> ${notInteger}`,
    `LRANGE mylist 0 1.5 -> ${notInteger}`,
    'SET str x -> +OK',
    `LRANGE str 0 1 -> ${wrongType}`,
    `LRANGE str x 1 -> ${notInteger}`,
  ],
  'LTRIM (docs, list.tcl)': [
    'RPUSH mylist one two three -> :3',
    'LTRIM mylist 1 -1 -> +OK',
    'LRANGE mylist 0 -1 -> ["two", "three"]',
    'DEL mylist -> :1',
    'RPUSH mylist 1 2 3 4 big -> :5',
    'LTRIM mylist 1 -2 -> +OK',
    'LRANGE mylist 0 -1 -> ["2", "3", "4"]',
    'LTRIM mylist -2 -1 -> +OK',
    'LRANGE mylist 0 -1 -> ["3", "4"]',
    'LTRIM mylist -10 10 -> +OK',
    'LRANGE mylist 0 -1 -> ["3", "4"]',
    'LTRIM mylist 0 -2 -> +OK',
    'LRANGE mylist 0 -1 -> ["3"]',
    'LTRIM mylist 0 -2 -> +OK',
    'EXISTS mylist -> :0',
    'RPUSH mylist 1 2 3 -> :3',
    'LTRIM mylist 2 1 -> +OK',
    'EXISTS mylist -> :0',
    'RPUSH mylist 1 2 3 -> :3',
    'LTRIM mylist 3 10 -> +OK',
    'EXISTS mylist -> :0',
    'LTRIM nosuchkey 0 1 -> +OK',
    `LTRIM nosuchkey x 1 -> ${notInteger}`,
    'SET str x -> +OK',
    `LTRIM str 0 1 -> ${wrongType}`,
  ],
  'LREM (docs, list.tcl)': [
    'RPUSH mylist big foo bar foobar foobared zap bar test foo -> :9',
    'LREM mylist 0 bar -> :2',
    'LRANGE mylist 0 -1 -> ["big", "foo", "foobar", "foobared", "zap", "test", "foo"]',
    'LREM mylist 1 foo -> :1',
    'LRANGE mylist 0 -1 -> ["big", "foobar", "foobared", "zap", "test", "foo"]',
    'LREM mylist 1 nosuchelement -> :0',
    'DEL mylist -> :1',
    'RPUSH mylist big foo bar foobar foobared zap bar test foo foo -> :10',
    'LREM mylist -1 bar -> :1',
    'LRANGE mylist 0 -1 -> ["big", "foo", "bar", "foobar", "foobared", "zap", "test", "foo", "foo"]',
    'LREM mylist -2 foo -> :2',
    'LRANGE mylist 0 -1 -> ["big", "foo", "bar", "foobar", "foobared", "zap", "test"]',
    'RPUSH other big 1 2 3 -> :4',
    'LREM other 1 2 -> :1',
    'LLEN other -> :3',
    'LREM other 0 big -> :1',
    'LREM other -5 1 -> :1',
    'LREM other 5 3 -> :1',
    'EXISTS other -> :0',
    'LREM nosuchkey 0 a -> :0',
    `LREM nosuchkey x a -> ${notInteger}`,
    'SET str x -> +OK',
    `LREM str 0 a -> ${wrongType}`,
    `LREM str x a -> ${notInteger}`,
  ],
  'LINSERT (docs, list.tcl)': [
    'RPUSH xlist a big c d -> :4',
    'LINSERT xlist before c zz -> :5',
    'LRANGE xlist 0 10 -> ["a", "big", "zz", "c", "d"]',
    'LINSERT xlist after c yy -> :6',
    'LRANGE xlist 0 10 -> ["a", "big", "zz", "c", "yy", "d"]',
    'LINSERT xlist after d dd -> :7',
    'LINSERT xlist after bad ddd -> :-1',
    'LRANGE xlist 0 10 -> ["a", "big", "zz", "c", "yy", "d", "dd"]',
    'LINSERT xlist BEFORE a aa -> :8',
    'LINSERT xlist before bad aaa -> :-1',
    'LRANGE xlist 0 10 -> ["aa", "a", "big", "zz", "c", "yy", "d", "dd"]',
    'LINSERT xlist before aa 42 -> :9',
    'LRANGE xlist 0 0 -> ["42"]',
    'LINSERT xlist AfTeR 42 43 -> :10',
    'LINDEX xlist 1 -> "43"',
    'LINSERT xlist aft3r aa 42 -> -ERR syntax error',
    'LINSERT nosuchkey before a b -> :0',
    'LINSERT nosuchkey middle a b -> -ERR syntax error',
    'EXISTS nosuchkey -> :0',
    'SET str x -> +OK',
    `LINSERT str before a b -> ${wrongType}`,
    'LINSERT str middle a b -> -ERR syntax error',
  ],
  'LPOS (docs, list.tcl)': [
    'RPUSH mylist a b c 1 2 3 c c -> :8',
    'LPOS mylist c -> :2',
    'LPOS mylist c RANK 2 -> :6',
    'LPOS mylist c RANK -1 -> :7',
    'LPOS mylist c COUNT 2 -> [:2, :6]',
    'LPOS mylist c RANK -1 COUNT 2 -> [:7, :6]',
    'LPOS mylist c COUNT 0 -> [:2, :6, :7]',
    'LPOS mylist c COUNT 0 MAXLEN 7 -> [:2, :6]',
    'LPOS mylist c COUNT 0 RANK 2 -> [:6, :7]',
    'LPOS mylist c RANK -2 COUNT 0 -> [:6, :2]',
    'LPOS mylist c MAXLEN 1 -> (nil)',
    'LPOS mylist c MAXLEN 3 -> :2',
    'LPOS mylist c RANK -1 MAXLEN 1 -> :7',
    'LPOS mylist c RANK -1 MAXLEN 2 COUNT 0 -> [:7, :6]',
    'LPOS mylist c RANK 4 -> (nil)',
    'LPOS mylist c RANK 4 COUNT 0 -> []',
    'LPOS mylist c rank 1 rank 3 -> :7',
    'LPOS mylist x -> (nil)',
    'LPOS mylist x COUNT 1 -> []',
    'LPOS mylist 1 -> :3',
    'LPOS mylist a RANK 9223372036854775807 -> (nil)',
    'LPOS mylist c RANK -9223372036854775808 -> :7',
    `LPOS mylist c RANK 0 -> ${rankZero}`,
    `LPOS mylist c RANK x -> ${notInteger}`,
    "LPOS mylist c COUNT -1 -> -ERR COUNT can't be negative",
    "LPOS mylist c COUNT x -> -ERR COUNT can't be negative",
    "LPOS mylist c MAXLEN -1 -> -ERR MAXLEN can't be negative",
    "LPOS mylist c MAXLEN x -> -ERR MAXLEN can't be negative",
    'LPOS mylist c RANK -> -ERR syntax error',
    'LPOS mylist c FOO 1 -> -ERR syntax error',
    'LPOS nokey c -> (nil)',
    'LPOS nokey c COUNT 0 -> []',
    `LPOS nokey c RANK 0 -> ${rankZero}`,
    'SET str x -> +OK',
    `LPOS str c -> ${wrongType}`,
    "LPOS mylist -> -ERR wrong number of arguments for 'lpos' command",
  ],
  'RPOPLPUSH LMOVE (docs, list.tcl)': [
    'RPUSH mylist1 a big c d -> :4',
    'RPOPLPUSH mylist1 mylist2 -> "d"',
    'RPOPLPUSH mylist1 mylist2 -> "c"',
    'LRANGE mylist1 0 -1 -> ["a", "big"]',
    'LRANGE mylist2 0 -1 -> ["c", "d"]',
    'RPUSH mylist a big c -> :3',
    'RPOPLPUSH mylist mylist -> "c"',
    'LRANGE mylist 0 -1 -> ["c", "a", "big"]',
    'LMOVE mylist mylist left right -> "c"',
    'LRANGE mylist 0 -1 -> ["a", "big", "c"]',
    'LMOVE mylist mylist RIGHT LEFT -> "c"',
    'LMOVE mylist mylist left left -> "c"',
    'LMOVE mylist mylist right right -> "big"',
    'LRANGE mylist 0 -1 -> ["c", "a", "big"]',
    'RPUSH one x -> :1',
    'LMOVE one one left right -> "x"',
    'LRANGE one 0 -1 -> ["x"]',
    'LMOVE one two right left -> "x"',
    'EXISTS one -> :0',
    'LRANGE two 0 -1 -> ["x"]',
    'RPUSH src 1 2 3 -> :3',
    'LMOVE src two left left -> "1"',
    'LMOVE src two left right -> "2"',
    'LMOVE src two right left -> "3"',
    'LRANGE two 0 -1 -> ["3", "1", "x", "2"]',
    'RPOPLPUSH srclist dstlist -> (nil)',
    'LMOVE srclist dstlist left left -> (nil)',
    'EXISTS srclist dstlist -> :0',
    'SET str x -> +OK',
    `RPOPLPUSH str dstlist -> ${wrongType}`,
    `LMOVE str dstlist left left -> ${wrongType}`,
    'EXISTS dstlist -> :0',
    `RPOPLPUSH two str -> ${wrongType}`,
    `LMOVE two str left right -> ${wrongType}`,
    'LRANGE two 0 -1 -> ["3", "1", "x", "2"]',
    'RPOPLPUSH nosuchkey str -> (nil)',
    'LMOVE two str middle left -> -ERR syntax error',
    'LMOVE nosuchkey d left middle -> -ERR syntax error',
    "LMOVE a b left -> -ERR wrong number of arguments for 'lmove' command",
  ],
  'LMPOP (docs, list.tcl)': [
    'LMPOP 2 non1 non2 LEFT COUNT 10 -> (nil)',
    'LPUSH mylist one two three four five -> :5',
    'LMPOP 1 mylist LEFT -> ["mylist", ["five"]]',
    'LRANGE mylist 0 -1 -> ["four", "three", "two", "one"]',
    'LMPOP 1 mylist RIGHT COUNT 10 -> ["mylist", ["one", "two", "three", "four"]]',
    'LPUSH mylist one two three four five -> :5',
    'LPUSH mylist2 a b c d e -> :5',
    'LMPOP 2 mylist mylist2 right count 3 -> ["mylist", ["one", "two", "three"]]',
    'LRANGE mylist 0 -1 -> ["five", "four"]',
    'LMPOP 2 mylist mylist2 right count 5 -> ["mylist", ["four", "five"]]',
    'LMPOP 2 mylist mylist2 right count 10 -> ["mylist2", ["a", "b", "c", "d", "e"]]',
    'EXISTS mylist mylist2 -> :0',
    'RPUSH l a b -> :2',
    'LMPOP 2 l l left -> ["l", ["a"]]',
    'LMPOP 0 l left -> -ERR numkeys should be greater than 0',
    'LMPOP -1 l left -> -ERR numkeys should be greater than 0',
    'LMPOP x l left -> -ERR numkeys should be greater than 0',
    'LMPOP 2 l left -> -ERR syntax error',
    'LMPOP 9223372036854775807 l left -> -ERR syntax error',
    'LMPOP 1 l middle -> -ERR syntax error',
    'LMPOP 1 l left count 0 -> -ERR count should be greater than 0',
    'LMPOP 1 l left count -1 -> -ERR count should be greater than 0',
    'LMPOP 1 l left count x -> -ERR count should be greater than 0',
    'LMPOP 1 nokey left count 0 -> -ERR count should be greater than 0',
    'LMPOP 1 l left count -> -ERR syntax error',
    'LMPOP 1 l left count 1 count 1 -> -ERR syntax error',
    'LMPOP 1 l left foo -> -ERR syntax error',
    'SET str x -> +OK',
    `LMPOP 1 str left -> ${wrongType}`,
    `LMPOP 2 nokey str left -> ${wrongType}`,
    'LMPOP 2 l str left -> ["l", ["b"]]',
    "LMPOP 1 l -> -ERR wrong number of arguments for 'lmpop' command",
  ],
  'blocking commands serve at once when there is data (list.tcl)': [
    'RPUSH blist1 a b c -> :3',
    'RPUSH blist2 d e f -> :3',
    'BLPOP blist1 blist2 1 -> ["blist1", "a"]',
    'BRPOP blist1 blist2 1 -> ["blist1", "c"]',
    'BLPOP nokey blist2 0 -> ["blist2", "d"]',
    'BRPOP nokey blist2 0.5 -> ["blist2", "f"]',
    'LLEN blist1 -> :1',
    'BRPOPLPUSH blist1 target 0 -> "b"',
    'EXISTS blist1 -> :0',
    'BLMOVE blist2 target left right 0 -> "e"',
    'LRANGE target 0 -1 -> ["b", "e"]',
    'BLMOVE target target right left 0 -> "e"',
    'BLMPOP 0 2 nokey target RIGHT COUNT 5 -> ["target", ["b", "e"]]',
    'RPUSH blist a b c -> :3',
    'BLMPOP 0.1 1 blist left -> ["blist", ["a"]]',
    'SET str x -> +OK',
    `BLPOP nokey str 0 -> ${wrongType}`,
    'BLPOP blist str 0 -> ["blist", "b"]',
    `BLMPOP 0 1 str left -> ${wrongType}`,
    `BRPOPLPUSH blist str 0 -> ${wrongType}`,
    `BLMOVE str blist left left 0 -> ${wrongType}`,
    'LRANGE blist 0 -1 -> ["c"]',
  ],
  'blocking commands: argument errors and their order': [
    'RPUSH l a -> :1',
    'BLPOP l x -> -ERR timeout is not a float or out of range',
    'BLPOP l -1 -> -ERR timeout is negative',
    'BRPOP l nan -> -ERR timeout is not a float or out of range',
    'BRPOPLPUSH l d x -> -ERR timeout is not a float or out of range',
    'BLMOVE l d left middle x -> -ERR syntax error',
    'BLMOVE l d left left x -> -ERR timeout is not a float or out of range',
    'BLMOVE l d left left -1 -> -ERR timeout is negative',
    'BLMPOP x 0 l left -> -ERR numkeys should be greater than 0',
    'BLMPOP x 1 l middle -> -ERR syntax error',
    'BLMPOP x 1 l left count 0 -> -ERR count should be greater than 0',
    'BLMPOP x 1 l left -> -ERR timeout is not a float or out of range',
    'BLMPOP -1 1 l left -> -ERR timeout is negative',
    'LLEN l -> :1',
    "BLPOP l -> -ERR wrong number of arguments for 'blpop' command",
    "BRPOPLPUSH l d -> -ERR wrong number of arguments for 'brpoplpush' command",
    "BLMOVE l d left left -> -ERR wrong number of arguments for 'blmove' command",
    "BLMPOP 0 1 l -> -ERR wrong number of arguments for 'blmpop' command",
  ],
  'blocking commands block when there is nothing to serve': [
    'BLPOP nokey1 nokey2 nokey1 0 -> (block nokey1 nokey2 until=forever)',
    'BRPOP nokey 1.5 -> (block nokey until=1700000001500)',
    'BRPOPLPUSH nokey dst 0.0001 -> (block nokey until=1700000000001)',
    'BLMOVE nokey dst left right 2 -> (block nokey until=1700000002000)',
    'SET str x -> +OK',
    'BLMOVE nokey str left right 0 -> (block nokey until=forever)',
    'BLMPOP 0 3 a b a left COUNT 2 -> (block a b until=forever)',
    'time +1000',
    'BLPOP nokey 1 -> (block nokey until=1700000002000)',
    'EXISTS nokey dst -> :0',
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`list commands: ${name}`, () => {
    replay(lines);
  });
}

test('blocking commands re-run after a push serve the pushed element (as the server re-executes them)', () => {
  const context = replay(['BLPOP q1 q2 0 -> (block q1 q2 until=forever)', 'BLMPOP 0 1 q2 right COUNT 3 -> (block q2 until=forever)']);
  replay(['RPUSH q2 x y -> :2', 'BLPOP q1 q2 0 -> ["q2", "x"]', 'BLMPOP 0 1 q2 right COUNT 3 -> ["q2", ["y"]]'], context);
  replay(['BRPOPLPUSH q2 d 0 -> (block q2 until=forever)', 'LPUSH q2 z -> :1', 'BRPOPLPUSH q2 d 0 -> "z"'], context);
  replay(['BLMOVE d d left right 0 -> "z"', 'BLMOVE q1 d left right 0 -> (block q1 until=forever)'], context);
});

test('blocking commands answer their timeout reply at once where blocking is not allowed (MULTI)', () => {
  const context = createTestContext();
  context.blockingAllowed = false;
  replay(
    [
      'LPUSH xlist foo -> :1',
      'LPUSH xlist bar -> :2',
      'BLPOP xlist 0 -> ["xlist", "bar"]',
      'BLPOP xlist 0 -> ["xlist", "foo"]',
      'BLPOP xlist 0 -> (nil)',
      'BRPOP xlist 0 -> (nil)',
      'BRPOPLPUSH xlist d 0 -> (nil)',
      'BLMOVE xlist d left left 1 -> (nil)',
      'BLMPOP 1 1 xlist left -> (nil)',
    ],
    context,
  );
  // Inside MULTI redis-server 7.0.15 answers the null array (`*-1`) for BLPOP, BRPOP and BLMPOP, and
  // for BLMOVE and BRPOPLPUSH the null bulk string (`$-1`: blmoveGenericCommand's addReplyNull).
  for (const command of [
    ['BLPOP', 'xlist', '0'],
    ['BRPOP', 'xlist', '0'],
    ['BLMPOP', '0', '1', 'xlist', 'left'],
  ]) {
    const reply = run(context, ...command);
    assert.deepEqual(reply, respNullArray, command.join(' '));
    assert.equal(encodeReply(respNullArray, 2).toString(), '*-1\r\n');
  }
  for (const command of [
    ['BRPOPLPUSH', 'xlist', 'd', '0'],
    ['BLMOVE', 'xlist', 'd', 'left', 'left', '0'],
  ]) {
    assert.equal(encodeReply(run(context, ...command) as RespValue, 2).toString(), '$-1\r\n', command.join(' '));
  }
  const blockingContext = createTestContext();
  const block = run(blockingContext, 'BLMOVE', 'nokey', 'd', 'left', 'left', '0');
  assert.equal(block.type, 'block');
  if (block.type === 'block') assert.deepEqual(block.timeoutReply, respNullArray);
});

test('replies distinguish the null bulk and the null array as RESP2 does', () => {
  const context = createTestContext();
  const encoded = (...words: string[]): string => {
    const reply = run(context, ...words);
    assert.notEqual(reply.type, 'block');
    return encodeReply(reply as Exclude<typeof reply, { type: 'block' }>, 2).toString();
  };
  assert.equal(encoded('LPOP', 'nokey'), '$-1\r\n');
  assert.equal(encoded('LPOP', 'nokey', '0'), '*-1\r\n');
  assert.equal(encoded('RPOP', 'nokey', '1'), '*-1\r\n');
  assert.equal(encoded('LMPOP', '1', 'nokey', 'left'), '*-1\r\n');
  assert.equal(encoded('LPOS', 'nokey', 'a'), '$-1\r\n');
  assert.equal(encoded('LMOVE', 'nokey', 'x', 'left', 'left'), '$-1\r\n');
  assert.equal(encoded('RPOPLPUSH', 'nokey', 'x'), '$-1\r\n');
  assert.equal(encoded('LINDEX', 'nokey', '0'), '$-1\r\n');
  encoded('RPUSH', 'l', 'a');
  assert.equal(encoded('LPOP', 'l', '0'), '*0\r\n');
});

test('elements and keys are binary safe', () => {
  const context = createTestContext();
  const key = Buffer.from([0, 0xff, 0x80, 10]);
  const element = Buffer.from([0xc3, 0x28, 0, 13, 10]);
  run(context, 'RPUSH', key, element, Buffer.alloc(0));
  const reply = run(context, 'BLPOP', key, '0');
  assert.equal(reply.type, 'array');
  if (reply.type === 'array') {
    const [keyReply, elementReply] = reply.items.map((item) => (item.type === 'bulk-string' ? Buffer.from(item.value) : null));
    assert.ok(keyReply?.equals(key));
    assert.ok(elementReply?.equals(element));
  }
  const lpos = run(context, 'LPOS', key, Buffer.alloc(0));
  assert.equal(renderReply(lpos), ':0');
});

test('stored elements are copies of the request arguments', () => {
  const context = createTestContext();
  const argument = Buffer.from('abc');
  run(context, 'RPUSH', 'l', argument);
  argument.fill(0x78);
  assert.equal(renderReply(run(context, 'LRANGE', 'l', '0', '-1')), '["abc"]');
});

test('modification signals: once per changed key, none when nothing changed (LTRIM and LSET always, as Redis)', () => {
  const context = createTestContext();
  const signals: string[] = [];
  context.keyspace.setListener({
    keyModified: (_databaseIndex: number, key: KeyText) => signals.push(key),
    databaseReplaced: () => signals.push('(flush)'),
  });
  const expectSignals = (line: string, expected: readonly string[]): void => {
    signals.length = 0;
    replay([line], context);
    assert.deepEqual(signals, expected, line);
  };
  expectSignals('RPUSH l a b c -> :3', ['l']);
  expectSignals('RPUSH l d -> :4', ['l']);
  expectSignals('LPUSHX nokey a -> :0', []);
  expectSignals('LPOP nokey -> (nil)', []);
  expectSignals('LPOP l 0 -> []', []);
  expectSignals('LPOP l 2 -> ["a", "b"]', ['l']);
  expectSignals('LREM l 0 zz -> :0', []);
  expectSignals('LINSERT l before zz y -> :-1', []);
  expectSignals('LINSERT l before c y -> :3', ['l']);
  expectSignals('LSET l 0 y -> +OK', ['l']);
  expectSignals('LTRIM l 0 -1 -> +OK', ['l']);
  expectSignals('LRANGE l 0 -1 -> ["y", "c", "d"]', []);
  expectSignals('LPOS l c -> :1', []);
  expectSignals('LMOVE l m left left -> "y"', ['m', 'l']);
  expectSignals('LMOVE l m left left -> "c"', ['m', 'l']);
  expectSignals('LMOVE l l left left -> "d"', ['l']);
  expectSignals('LMOVE l m left left -> "d"', ['m', 'l']);
  expectSignals('EXISTS l -> :0', []);
  expectSignals('BLPOP l 0 -> (block l until=forever)', []);
  expectSignals('LREM m 0 c -> :1', ['m']);
  expectSignals('LTRIM m 1 0 -> +OK', ['m']);
  expectSignals('EXISTS m -> :0', []);
});

test('LPOS, LRANGE and LINDEX on a long list; pops at the head stay cheap', () => {
  const context = createTestContext();
  const count = 100_000;
  for (let start = 0; start < count; start += 1000) {
    run(context, 'RPUSH', 'big', ...Array.from({ length: 1000 }, (_, index) => String(start + index)));
  }
  replay(
    [
      'LLEN big -> :100000',
      'LINDEX big 54321 -> "54321"',
      'LINDEX big -1 -> "99999"',
      'LPOS big 99998 -> :99998',
      'LPOS big 99998 MAXLEN 10 -> (nil)',
      'LPOS big 5 RANK -1 -> :5',
      'LRANGE big 50000 50002 -> ["50000", "50001", "50002"]',
    ],
    context,
  );
  // With an O(n) pop at the head this loop would take minutes.
  for (let index = 0; index < count; index++) run(context, 'LPOP', 'big');
  assert.equal(renderReply(run(context, 'EXISTS', 'big')), ':0');
});

test('command table: arity and flags of the list commands follow Redis 7', () => {
  const expected: Readonly<Record<string, [number, string]>> = {
    lpush: [-3, 'write denyoom fast'],
    rpush: [-3, 'write denyoom fast'],
    lpushx: [-3, 'write denyoom fast'],
    rpushx: [-3, 'write denyoom fast'],
    lpop: [-2, 'write fast'],
    rpop: [-2, 'write fast'],
    llen: [2, 'readonly fast'],
    lrange: [4, 'readonly'],
    lindex: [3, 'readonly'],
    lset: [4, 'write denyoom'],
    linsert: [5, 'write denyoom'],
    lrem: [4, 'write'],
    ltrim: [4, 'write'],
    lpos: [-3, 'readonly'],
    lmove: [5, 'write denyoom'],
    rpoplpush: [3, 'write denyoom'],
    lmpop: [-4, 'write'],
    blpop: [-3, 'write'],
    brpop: [-3, 'write'],
    blmove: [6, 'write denyoom'],
    brpoplpush: [4, 'write denyoom'],
    blmpop: [-5, 'write'],
  };
  for (const [name, [arity, flags]] of Object.entries(expected)) {
    const spec = cacheCommandTable.get(name);
    assert.equal(spec?.arity, arity, name);
    assert.equal(spec.flags.join(' '), flags, name);
  }
});
