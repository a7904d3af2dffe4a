/**
 * Goal: the floor servers' parser reads pipelined RESP arrays split anywhere, and refuses
 * malformed or oversized input with FloorProtocolError instead of looping, allocating without
 * bound or reading garbage lengths.
 * Method: direct calls on fixed and split inputs.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FloorProtocolError, floorArgumentBytesMax, floorArgumentCountMax, parseFloorCommand } from './resp-floor-parse.js';

const pipeline = Buffer.from('*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$3\r\nxxx\r\n*2\r\n$3\r\nGET\r\n$0\r\n\r\n', 'latin1');

test('pipelined commands parse one after another, and every cut before the end is incomplete', () => {
  const first = parseFloorCommand(pipeline, 0)!;
  assert.deepEqual(first.args, ['SET', 'key:1', 'xxx']);
  const second = parseFloorCommand(pipeline, first.next)!;
  assert.deepEqual(second.args, ['GET', '']);
  assert.equal(second.next, pipeline.length);
  for (let cut = 1; cut < first.next; cut++) assert.equal(parseFloorCommand(pipeline.subarray(0, cut), 0), undefined, `cut at ${cut}`);
});

test('malformed and oversized input is refused', () => {
  const refused = (text: string) => assert.throws(() => parseFloorCommand(Buffer.from(text, 'latin1'), 0), FloorProtocolError, JSON.stringify(text));
  refused('GET key\r\n');
  refused('*-1\r\n');
  refused('*\r\n');
  refused('*1\r\n+OK\r\n');
  refused('*1\r\n$-5\r\nabc\r\n');
  refused('*1\r\n$3x\r\nabc\r\n');
  refused(`*${floorArgumentCountMax + 1}\r\n`);
  refused(`*1\r\n$${floorArgumentBytesMax + 1}\r\n`);
  refused('*99999999999999999999\r\n');
});
