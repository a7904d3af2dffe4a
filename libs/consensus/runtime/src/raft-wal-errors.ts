import { ObjectBoxError } from '@objectbox/util';

/**
 * A WAL record passed its checksum but does not decode as Raft state: the log was written by
 * something else or a bug. Never skipped silently: the replica refuses to start.
 */
export class WalRecordDecodeError extends ObjectBoxError {
  readonly code = 'WalRecordUndecodable';
  readonly kind = 'internal';
}
