/**
 * Majority quorum arithmetic, kept pure so it can be checked against a slow obvious version.
 * Modelled on etcd-io/raft quorum/majority.go.
 */
import type { LogIndex, NodeId } from './types.js';

/** Outcome of counting votes. */
export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * The largest index acknowledged by a majority of `voters`, given each voter's acknowledged index
 * (missing voters count as 0). For an empty voter set returns +Infinity as LogIndex (etcd returns
 * MaxUint64) so that joint or degenerate configurations never hold commit back; callers assert
 * voters are non-empty where it matters.
 */
export function majorityCommittedIndex(voters: ReadonlySet<NodeId>, acknowledgedIndex: (id: NodeId) => LogIndex | undefined): LogIndex {
  if (voters.size === 0) return Number.POSITIVE_INFINITY as LogIndex;
  const indexes = [...voters].map((id) => acknowledgedIndex(id) ?? 0).sort((left, right) => right - left);
  return indexes[Math.floor(voters.size / 2)]! as LogIndex;
}

/** The result of an election given `votes` (true = granted) from members of `voters`. */
export function majorityVoteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === undefined) missing++;
    else if (vote) granted++;
  }
  const quorum = Math.floor(voters.size / 2) + 1;
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}
