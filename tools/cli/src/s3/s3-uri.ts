/**
 * S3 URIs as `aws s3` takes them: `s3://bucket`, `s3://bucket/`, `s3://bucket/key/or/prefix`.
 * Everything else is a local path (`-` is stdin or stdout, handled by the command plans).
 */
export interface S3Location {
  readonly bucket: string;
  /** The key or prefix after `bucket/`; empty for the bucket itself. */
  readonly key: string;
}

/** A path argument that is not an S3 URI. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function isS3Uri(text: string): boolean {
  return /^s3:\/\//i.test(text);
}

/** Parses `s3://bucket[/key]`; a usage error names what is wrong. */
export function parseS3Uri(text: string): S3Location {
  if (!isS3Uri(text)) throw new UsageError(`${text}: not an S3 URI (expected s3://bucket[/key])`);
  const rest = text.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket === '') throw new UsageError(`${text}: the S3 URI names no bucket (expected s3://bucket[/key])`);
  return { bucket, key };
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/** The last path segment of a key (`a/b/c.txt` → `c.txt`); empty for keys ending in `/`. */
export function keyBasename(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** A prefix used as a directory: empty stays empty, otherwise it ends with exactly one `/`. */
export function asDirectoryPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}
