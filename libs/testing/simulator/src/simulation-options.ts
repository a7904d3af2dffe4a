/**
 * What a simulation run depends on besides its seed. A run is a pure function of
 * (seed, {@link SimulationOptions}); `replayCommand` prints the CLI line that reproduces one.
 */
import { assert } from '@objectbox/util';

/**
 * Test-only bugs the simulator can plant to prove its checkers fail: two in the Raft core
 * (`RaftConfig.testingBugs`) and one in the simulated driver.
 */
export const plantedBugNames = ['count-previous-term-entries', 'grant-two-votes', 'reply-before-fsync'] as const;

/** One of {@link plantedBugNames}. */
export type PlantedBug = (typeof plantedBugNames)[number];

/** True when `name` is a {@link PlantedBug}. */
export function isPlantedBug(name: string): name is PlantedBug {
  return (plantedBugNames as readonly string[]).includes(name);
}

/**
 * Membership changes during faults: `on` for every seed, `off` for none, `auto` for the seeds
 * whose random draw enables them (half of them). They need at least 4 replicas, since the
 * simulator never shrinks the voters below 3.
 */
export type MembershipMode = 'auto' | 'on' | 'off';

/** Everything besides the seed that shapes a run. */
export interface SimulationOptions {
  /** Replica slots, 3 to 9; all are voters at the start. */
  readonly replicaCount: number;
  /** Ticks of the fault phase; then faults heal and the liveness phase starts. */
  readonly faultPhaseTicks: number;
  /** Ticks after healing within which a leader must commit a new write. */
  readonly livenessTicksMax: number;
  readonly clientCount: number;
  /** Keys the clients use: few keys, many conflicts. */
  readonly keyCount: number;
  readonly membership: MembershipMode;
  readonly bug: PlantedBug | undefined;
}

/** The defaults the CLI and the tests use. */
export const simulationOptionsDefault: SimulationOptions = {
  replicaCount: 5,
  faultPhaseTicks: 600,
  livenessTicksMax: 400,
  clientCount: 4,
  keyCount: 3,
  membership: 'auto',
  bug: undefined,
};

/** Asserts the options are in range (a bad one is a programmer error). */
export function validateSimulationOptions(options: SimulationOptions): void {
  assert(Number.isSafeInteger(options.replicaCount) && options.replicaCount >= 3 && options.replicaCount <= 9, 'replicaCount must be 3..9');
  assert(Number.isSafeInteger(options.faultPhaseTicks) && options.faultPhaseTicks >= 0, 'faultPhaseTicks must be >= 0');
  assert(Number.isSafeInteger(options.livenessTicksMax) && options.livenessTicksMax > 0, 'livenessTicksMax must be > 0');
  assert(Number.isSafeInteger(options.clientCount) && options.clientCount >= 1, 'clientCount must be >= 1');
  assert(Number.isSafeInteger(options.keyCount) && options.keyCount >= 1, 'keyCount must be >= 1');
}

/** The exact command that replays `seed` with `options` (non-default options only). */
export function replayCommand(seed: number, options: SimulationOptions): string {
  const parts = ['npm run sim --', `--seed ${seed}`, `--replicas ${options.replicaCount}`];
  if (options.faultPhaseTicks !== simulationOptionsDefault.faultPhaseTicks) parts.push(`--ticks ${options.faultPhaseTicks}`);
  if (options.livenessTicksMax !== simulationOptionsDefault.livenessTicksMax) parts.push(`--liveness-ticks ${options.livenessTicksMax}`);
  if (options.clientCount !== simulationOptionsDefault.clientCount) parts.push(`--clients ${options.clientCount}`);
  if (options.keyCount !== simulationOptionsDefault.keyCount) parts.push(`--keys ${options.keyCount}`);
  if (options.membership !== simulationOptionsDefault.membership) parts.push(`--membership ${options.membership}`);
  if (options.bug !== undefined) parts.push(`--bug ${options.bug}`);
  return parts.join(' ');
}
