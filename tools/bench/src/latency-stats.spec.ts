import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatencySamples, percentileOfSorted, summarizeLatencies } from './latency-stats.js';

describe('percentileOfSorted (nearest rank)', () => {
  it('picks the smallest value covering the percentile', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    assert.equal(percentileOfSorted(values, 50), 50);
    assert.equal(percentileOfSorted(values, 99), 99);
    assert.equal(percentileOfSorted(values, 100), 100);
    assert.equal(percentileOfSorted(values, 0.5), 1);
  });

  it('handles one sample and none', () => {
    assert.equal(percentileOfSorted([7], 50), 7);
    assert.equal(percentileOfSorted([7], 99), 7);
    assert.ok(Number.isNaN(percentileOfSorted([], 50)));
  });

  it('rounds the rank up on small sample counts', () => {
    assert.equal(percentileOfSorted([1, 2, 3], 50), 2);
    assert.equal(percentileOfSorted([1, 2, 3, 4], 50), 2);
    assert.equal(percentileOfSorted([1, 2, 3, 4], 99), 4);
  });

  it('refuses percentiles outside (0, 100]', () => {
    assert.throws(() => percentileOfSorted([1], 0), RangeError);
    assert.throws(() => percentileOfSorted([1], 101), RangeError);
  });
});

describe('LatencySamples and summarizeLatencies', () => {
  it('grows past its initial capacity and sorts numerically', () => {
    const samples = new LatencySamples();
    for (let value = 5000; value > 0; value--) samples.add(value / 10);
    const summary = summarizeLatencies({ samples, errorCount: 2, measuredMs: 2000 });
    assert.equal(summary.operationCount, 5000);
    assert.equal(summary.operationsPerSecond, 2500);
    assert.equal(summary.latencyMsP50, 250);
    assert.equal(summary.latencyMsP99, 495);
    assert.equal(summary.latencyMsMax, 500);
    assert.equal(summary.errorCount, 2);
  });
});
