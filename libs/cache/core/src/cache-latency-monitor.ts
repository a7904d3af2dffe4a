/**
 * The latency monitor (Redis's latency.c): per event (`command`, `fast-command`, `expire-cycle`,
 * `eviction-cycle`) a ring of the last 160 seconds that had a spike of at least
 * `latency-monitor-threshold` ms (one sample per second: the worst), and the worst ever. The engine
 * names the events, so their number is fixed; each ring is 160 samples. LATENCY DOCTOR's report uses
 * Redis 7.0's texts and its analysis (average, mean deviation, period) for those events.
 */

/** LATENCY_TS_LEN. */
export const latencySamplesPerEvent = 160;

interface LatencySample {
  unixSeconds: number;
  latencyMs: number;
}

interface LatencySeries {
  readonly samples: LatencySample[];
  /** Where the next sample goes. */
  index: number;
  maxMs: number;
}

export class CacheLatencyMonitor {
  private readonly events = new Map<string, LatencySeries>();

  /** latencyAddSampleIfNeeded: a threshold of 0 disables the monitor. */
  addSampleIfNeeded(event: string, latencyMs: number, thresholdMs: number, unixSeconds: number): void {
    if (thresholdMs > 0 && latencyMs >= thresholdMs) this.addSample(event, latencyMs, unixSeconds);
  }

  /** latencyAddSample: a spike in the same second as the last one only raises that one. */
  addSample(event: string, latencyMs: number, unixSeconds: number): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = { samples: [], index: 0, maxMs: 0 };
      this.events.set(event, series);
    }
    if (latencyMs > series.maxMs) series.maxMs = latencyMs;
    const previous = series.samples[(series.index + latencySamplesPerEvent - 1) % latencySamplesPerEvent];
    if (previous !== undefined && previous.unixSeconds === unixSeconds) {
      if (latencyMs > previous.latencyMs) previous.latencyMs = latencyMs;
      return;
    }
    series.samples[series.index] = { unixSeconds, latencyMs };
    series.index = (series.index + 1) % latencySamplesPerEvent;
  }

  /** LATENCY LATEST: per event its latest sample's time and latency, and its all-time worst. */
  latest(): { event: string; unixSeconds: number; latencyMs: number; maxMs: number }[] {
    return [...this.events].map(([event, series]) => {
      const last = series.samples[(series.index + latencySamplesPerEvent - 1) % latencySamplesPerEvent] as LatencySample;
      return { event, unixSeconds: last.unixSeconds, latencyMs: last.latencyMs, maxMs: series.maxMs };
    });
  }

  /** LATENCY HISTORY: the event's samples, oldest first (empty for an unknown event). */
  history(event: string): LatencySample[] {
    const series = this.seriesOf(event);
    if (series === undefined) return [];
    const samples: LatencySample[] = [];
    for (let offset = 0; offset < latencySamplesPerEvent; offset++) {
      const sample = series.samples[(series.index + offset) % latencySamplesPerEvent];
      if (sample !== undefined) samples.push({ ...sample });
    }
    return samples;
  }

  /** LATENCY RESET: the named events (case-insensitively), or all; how many were reset. */
  reset(events: readonly string[] | null): number {
    let resets = 0;
    for (const event of [...this.events.keys()]) {
      if (events === null || events.some((name) => name.toLowerCase() === event.toLowerCase())) {
        this.events.delete(event);
        resets++;
      }
    }
    return resets;
  }

  private seriesOf(event: string): LatencySeries | undefined {
    for (const [name, series] of this.events) if (name.toLowerCase() === event.toLowerCase()) return series;
    return undefined;
  }

  /** createLatencyReport, for the events this server records. */
  doctorReport(settings: { thresholdMs: number; slowlogSlowerThanMicros: number; hz: number; nowSeconds: number }): string {
    if (this.events.size === 0 && settings.thresholdMs === 0) {
      return (
        'I\'m sorry, Dave, I can\'t do that. Latency monitoring is disabled in this Redis instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." ' +
        "in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
      );
    }
    const advise = { slowlogEnabled: false, slowlogTuning: false, slowlogInspect: false, scheduler: false, hz: false, largeObjects: false };
    let advices = 0;
    let report = '';
    let eventNumber = 0;
    for (const [event, series] of this.events) {
      eventNumber++;
      if (eventNumber === 1) report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
      const stats = analyze(series.samples, settings.nowSeconds);
      report += `${eventNumber}. ${event}: ${stats.count} latency spikes (average ${stats.averageMs}ms, mean deviation ${stats.deviationMs}ms, period ${(stats.periodSeconds / stats.count).toFixed(2)} sec). Worst all time event ${series.maxMs}ms.`;
      if (event === 'command') {
        if (settings.slowlogSlowerThanMicros < 0) {
          advise.slowlogEnabled = true;
          advices++;
        } else if (Math.trunc(settings.slowlogSlowerThanMicros / 1000) > settings.thresholdMs) {
          advise.slowlogTuning = true;
          advices++;
        }
        advise.slowlogInspect = true;
        advise.largeObjects = true;
        advices += 2;
      }
      if (event === 'fast-command') {
        advise.scheduler = true;
        advices++;
      }
      if (event === 'expire-cycle') {
        advise.hz = true;
        advise.largeObjects = true;
        advices += 2;
      }
      if (event === 'eviction-cycle') {
        advise.largeObjects = true;
        advices++;
      }
      report += '\n';
    }
    if (eventNumber === 0) {
      return 'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n';
    }
    if (advices === 0) {
      return `${report}\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n`;
    }
    report += '\nI have a few advices for you:\n\n';
    const suggestedSlowlog = settings.thresholdMs * 1000;
    if (advise.slowlogEnabled) {
      report += `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${suggestedSlowlog}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
    }
    if (advise.slowlogTuning) {
      report += `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${suggestedSlowlog}'.\n`;
    }
    if (advise.slowlogInspect) {
      report += '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
    }
    if (advise.scheduler) {
      report +=
        '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
        '  1) Lower the system load.\n' +
        '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
        '  3) Check if you have a "noisy neighbour" problem.\n' +
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
        '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
    }
    if (advise.hz && settings.hz < 100) {
      report += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
    }
    if (advise.largeObjects) {
      report +=
        '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
    }
    return report;
  }
}

/** analyzeLatencyForEvent: integer average and mean absolute deviation, period from the oldest sample. */
function analyze(samples: readonly (LatencySample | undefined)[], nowSeconds: number): { count: number; averageMs: number; deviationMs: number; periodSeconds: number } {
  const present = samples.filter((sample): sample is LatencySample => sample !== undefined);
  const count = present.length;
  if (count === 0) return { count: 0, averageMs: 0, deviationMs: 0, periodSeconds: 0 };
  const averageMs = Math.floor(present.reduce((sum, sample) => sum + sample.latencyMs, 0) / count);
  const oldest = Math.min(...present.map((sample) => sample.unixSeconds));
  const periodSeconds = Math.max(1, nowSeconds - oldest);
  const deviationMs = Math.floor(present.reduce((sum, sample) => sum + Math.abs(averageMs - sample.latencyMs), 0) / count);
  return { count, averageMs, deviationMs, periodSeconds };
}
