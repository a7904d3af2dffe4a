/**
 * `npm run sim -- [flags]`: runs many seeds of the simulator and prints, for every failing seed,
 * the violated invariant and the one command that replays it exactly.
 *
 * Flags: --seeds N (how many, default 100), --first-seed S (default 1), --seed S (replay one seed,
 * verbose), --replicas R, --ticks T (fault phase), --liveness-ticks T, --clients C, --keys K,
 * --membership auto|on|off, --bug <name> (plant a bug: count-previous-term-entries,
 * grant-two-votes, reply-before-fsync), --verbose. Exit status: 0 when every seed passed, 1 when
 * any failed, 2 on bad flags.
 */
import { parseArgs } from 'node:util';
import { isPlantedBug, simulationOptionsDefault, type MembershipMode, type SimulationOptions } from './simulation-options.js';
import { runSimulation } from './simulator.js';

interface CliPlan {
  readonly options: SimulationOptions;
  readonly firstSeed: number;
  readonly seedCount: number;
  readonly verbose: boolean;
}

/** Parses argv into a plan; throws Error with a usage message on bad flags. */
function parsePlan(argv: readonly string[]): CliPlan {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seeds: { type: 'string' },
      seed: { type: 'string' },
      'first-seed': { type: 'string' },
      replicas: { type: 'string' },
      ticks: { type: 'string' },
      'liveness-ticks': { type: 'string' },
      clients: { type: 'string' },
      keys: { type: 'string' },
      membership: { type: 'string' },
      bug: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const integer = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got ${text}`);
    return value;
  };
  const bug = values.bug;
  if (bug !== undefined && !isPlantedBug(bug)) throw new Error(`unknown --bug ${bug}`);
  const membership = values.membership ?? simulationOptionsDefault.membership;
  if (!['auto', 'on', 'off'].includes(membership)) throw new Error(`--membership must be auto, on or off, got ${membership}`);
  const options: SimulationOptions = {
    replicaCount: integer('replicas', values.replicas, simulationOptionsDefault.replicaCount),
    faultPhaseTicks: integer('ticks', values.ticks, simulationOptionsDefault.faultPhaseTicks),
    livenessTicksMax: integer('liveness-ticks', values['liveness-ticks'], simulationOptionsDefault.livenessTicksMax),
    clientCount: integer('clients', values.clients, simulationOptionsDefault.clientCount),
    keyCount: integer('keys', values.keys, simulationOptionsDefault.keyCount),
    membership: membership as MembershipMode,
    bug,
  };
  if (values.seed !== undefined) return { options, firstSeed: integer('seed', values.seed, 1), seedCount: 1, verbose: true };
  return { options, firstSeed: integer('first-seed', values['first-seed'], 1), seedCount: integer('seeds', values.seeds, 100), verbose: values.verbose };
}

async function main(): Promise<number> {
  let plan: CliPlan;
  try {
    plan = parsePlan(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const startMs = performance.now();
  const failures: number[] = [];
  const lastSeed = plan.firstSeed + plan.seedCount - 1;
  const log = plan.verbose ? (line: string): void => void process.stdout.write(`  ${line}\n`) : undefined;
  for (let seed = plan.firstSeed; seed <= lastSeed; seed++) {
    const result = await runSimulation(seed, plan.options, log === undefined ? {} : { log });
    if (plan.verbose) process.stdout.write(`seed ${seed}: ${result.violation === undefined ? 'ok' : 'FAILED'} trace ${result.traceHash} ${JSON.stringify(result.stats)}\n`);
    if (result.violation !== undefined) {
      failures.push(seed);
      const { invariant, tick, detail } = result.violation;
      process.stdout.write(`FAILED seed ${seed}: ${invariant} at tick ${tick}\n${indent(detail)}\n  replay: ${result.replayCommand}\n`);
    }
    if (!plan.verbose && (seed - plan.firstSeed + 1) % 500 === 0) process.stdout.write(`... ${seed - plan.firstSeed + 1} seeds\n`);
  }
  const seconds = (performance.now() - startMs) / 1000;
  const rate = plan.seedCount / Math.max(seconds, 1e-9);
  process.stdout.write(
    `seeds ${plan.firstSeed}..${lastSeed} (${plan.seedCount}), replicas ${plan.options.replicaCount}, ticks ${plan.options.faultPhaseTicks}` +
      `${plan.options.bug === undefined ? '' : `, bug ${plan.options.bug}`}: ${plan.seedCount - failures.length} passed, ${failures.length} failed` +
      ` in ${seconds.toFixed(1)} s (${rate.toFixed(1)} seeds/s)\n`,
  );
  if (failures.length > 0) process.stdout.write(`failing seeds: ${failures.slice(0, 50).join(' ')}${failures.length > 50 ? ' ...' : ''}\n`);
  return failures.length === 0 ? 0 : 1;
}

function indent(text: string): string {
  return text
    .split('\n')
    .slice(0, 40)
    .map((line) => `  ${line}`)
    .join('\n');
}

process.exitCode = await main();
