/**
 * @objectbox/consensus-core: a pure, synchronous Raft core in the style of etcd-io/raft.
 *
 * DESIGN
 * - Pure: no I/O, timers, clock or global randomness. Time is `tick()`; jitter comes from an
 *   injected `Random` (`SeededRandom` provided).
 * - Driver contract (`RawNode`, `Ready`): persist snapshot, entries and hard state; then send
 *   messages; then apply; then `advance`. Durable acknowledgements (MsgAppResp, vote responses;
 *   `isDurableAcknowledgement`) are queued apart in the core and placed in the Ready that holds the
 *   state they acknowledge, after the other messages; acknowledgements to self (the leader's own
 *   append, a candidate's own vote) are only counted at `advance`, i.e. after persistence.
 *   Sending durable acknowledgements before persisting is the "reply before fsync" planted bug a
 *   simulated driver may enable.
 * - Membership: single-server changes (add voter, add learner, promote learner via add-voter,
 *   demote via add-learner, remove), one at a time, taking effect when the entry is applied (as
 *   etcd's ConfChange v1). A leader accepts a change only when the previous one is applied and,
 *   after an election, only once the empty entry of its own term is applied: that is the fix for
 *   the single-server change bug (Ongaro, raft-dev, 2015). Joint consensus is not implemented.
 *   A leader that removes or demotes itself broadcasts the commit, then steps down. The starting
 *   membership is not in the log (it is the index-0 snapshot's), so a joining node must start
 *   with the cluster's bootstrap membership, or receive a snapshot, never with an empty one.
 * - Test-only planted bugs: `RaftConfig.testingBugs`.
 */
export * from './errors.js';
export * from './messages.js';
export { Inflights, Progress, type ProgressState } from './progress.js';
export { majorityCommittedIndex, majorityVoteResult, type VoteResult } from './quorum.js';
export { validateRaftConfig, type RaftConfig, type TestingBugs } from './raft-config.js';
export type { EntryId } from './raft-log.js';
export * from './random.js';
export { committedBeforePersist, RawNode, type ProgressStatus, type RaftStatus, type Ready } from './raw-node.js';
export * from './storage.js';
export * from './types.js';
