/**
 * Where `objectbox s3` connects and with which credentials, decided from flags, the standard AWS_*
 * environment variables and the shared profile files (~/.aws/config and ~/.aws/credentials,
 * or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), falling back to the local dev process.
 *
 * - endpoint: --endpoint-url > AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL > the profile's
 *   `services` s3 endpoint_url > its endpoint_url > http://127.0.0.1:9000 (the dev process);
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the environment and profile values;
 * - region: --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's region > us-east-1;
 * - credentials: the AWS SDK's default provider chain (environment, profile files with SSO,
 *   credential_process and roles, web identity, container) when --profile or AWS_PROFILE names a
 *   profile, when AWS_ACCESS_KEY_ID is set, or when the endpoint was configured and the default
 *   profile (or the environment) holds credentials; otherwise the ObjectBox root key
 *   (OBJECTBOX_ACCESS_KEY_ID / OBJECTBOX_SECRET_ACCESS_KEY, the variables the server reads) or
 *   the dev process's default key pair. So `objectbox s3 ls` just works against `objectbox dev`,
 *   even for someone whose default AWS profile holds keys for AWS.
 * - addressing: path style (`http://host/bucket/key`) for every endpoint but AWS's own.
 *
 * Pure: the environment and the files' text are arguments.
 */
import { UsageError } from './s3-uri.js';

/** The dev process's S3 endpoint and its default root key pair (printed by the object store at start). */
export const devEndpoint = 'http://127.0.0.1:9000';
export const devCredentials = { accessKeyId: 'objectbox', secretAccessKey: 'objectbox-dev-secret' } as const;
export const defaultRegion = 'us-east-1';

export interface ConnectionFlags {
  readonly endpointUrl?: string | undefined;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
}

/** The shared files' text, when they exist. */
export interface ProfileFiles {
  readonly config?: string | undefined;
  readonly credentials?: string | undefined;
}

export type CredentialChoice =
  | { readonly kind: 'chain'; readonly profile: string | undefined; readonly source: string }
  | { readonly kind: 'static'; readonly accessKeyId: string; readonly secretAccessKey: string; readonly source: string };

export interface Connection {
  readonly endpoint: string;
  readonly endpointSource: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials: CredentialChoice;
}

export type IniSections = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * Parses an AWS shared config/credentials file: `[section]` headers, `key = value` lines, `#` and
 * `;` comments, and indented sub-properties under a key with an empty value (stored as
 * `parent.key`, as in `s3 =\n  endpoint_url = ...`).
 */
export function parseIni(text: string): IniSections {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let parent: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const header = /^\s*\[([^\]]+)\]\s*([#;].*)?$/.exec(raw);
    if (header !== null) {
      current = new Map();
      sections.set((header[1] ?? '').trim().replace(/\s+/g, ' '), current);
      parent = undefined;
      continue;
    }
    const property = /^(\s*)([^=\s]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (property === null || current === undefined) continue;
    const [, indent = '', key = '', value = ''] = property;
    if (indent.length > 0 && parent !== undefined) {
      current.set(`${parent}.${key}`, value);
      continue;
    }
    current.set(key, value);
    parent = value === '' ? key : undefined;
  }
  return sections;
}

/** A profile's settings: its config-file section merged under its credentials-file section. */
export function profileSettings(profile: string, files: ProfileFiles): ReadonlyMap<string, string> {
  const config = parseIni(files.config ?? '');
  const credentials = parseIni(files.credentials ?? '');
  const fromConfig = config.get(profile === 'default' ? 'default' : `profile ${profile}`) ?? (profile === 'default' ? config.get('profile default') : undefined);
  return new Map([...(fromConfig ?? []), ...(credentials.get(profile) ?? [])]);
}

function serviceEndpoint(settings: ReadonlyMap<string, string>, files: ProfileFiles): string | undefined {
  const services = settings.get('services');
  if (services === undefined || services === '') return undefined;
  return parseIni(files.config ?? '').get(`services ${services}`)?.get('s3.endpoint_url');
}

const credentialKeys = ['aws_access_key_id', 'credential_process', 'sso_session', 'sso_start_url', 'role_arn', 'web_identity_token_file', 'login_session'];

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function checkEndpoint(endpoint: string, source: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`${source}: invalid endpoint URL ${JSON.stringify(endpoint)} (expected http://host:port or https://host)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${source}: invalid endpoint URL ${JSON.stringify(endpoint)} (expected http:// or https://)`);
  return endpoint;
}

export function resolveConnection(flags: ConnectionFlags, env: Readonly<Record<string, string | undefined>>, files: ProfileFiles): Connection {
  const explicitProfile = nonEmpty(flags.profile) ?? nonEmpty(env['AWS_PROFILE']);
  const profile = explicitProfile ?? 'default';
  const settings = profileSettings(profile, files);
  if (explicitProfile !== undefined && nonEmpty(flags.profile) !== undefined && settings.size === 0) {
    throw new UsageError(`--profile: the profile ${JSON.stringify(explicitProfile)} is in neither the config nor the credentials file`);
  }
  const ignoreConfigured = env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']?.toLowerCase() === 'true';
  const endpointCandidates: [string | undefined, string][] = [
    [nonEmpty(flags.endpointUrl), '--endpoint-url'],
    ...(ignoreConfigured
      ? []
      : ([
          [nonEmpty(env['AWS_ENDPOINT_URL_S3']), 'AWS_ENDPOINT_URL_S3'],
          [nonEmpty(env['AWS_ENDPOINT_URL']), 'AWS_ENDPOINT_URL'],
          [nonEmpty(serviceEndpoint(settings, files)), `profile ${profile} (services)`],
          [nonEmpty(settings.get('endpoint_url')), `profile ${profile}`],
        ] as [string | undefined, string][])),
  ];
  const configured = endpointCandidates.find(([value]) => value !== undefined);
  const endpointSource = configured?.[1] ?? 'default (the local dev process)';
  const endpoint = checkEndpoint((configured?.[0] ?? devEndpoint).replace(/\/+$/, ''), endpointSource);
  const region = nonEmpty(flags.region) ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']) ?? nonEmpty(settings.get('region')) ?? defaultRegion;
  const forcePathStyle = !/(^|\.)amazonaws\.com(\.cn)?$/i.test(new URL(endpoint).hostname);
  return { endpoint, endpointSource, region, forcePathStyle, credentials: chooseCredentials(explicitProfile, settings, configured !== undefined, env) };
}

function chooseCredentials(
  explicitProfile: string | undefined,
  settings: ReadonlyMap<string, string>,
  endpointConfigured: boolean,
  env: Readonly<Record<string, string | undefined>>,
): CredentialChoice {
  if (explicitProfile !== undefined) return { kind: 'chain', profile: explicitProfile, source: `profile ${explicitProfile}` };
  if (nonEmpty(env['AWS_ACCESS_KEY_ID']) !== undefined) return { kind: 'chain', profile: undefined, source: 'AWS_ACCESS_KEY_ID' };
  const ambient = ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'].some((name) => nonEmpty(env[name]) !== undefined);
  const profileHasCredentials = credentialKeys.some((key) => nonEmpty(settings.get(key)) !== undefined);
  if (endpointConfigured && (ambient || profileHasCredentials)) return { kind: 'chain', profile: undefined, source: 'the AWS default credential chain' };
  const accessKeyId = nonEmpty(env['OBJECTBOX_ACCESS_KEY_ID']);
  const secretAccessKey = nonEmpty(env['OBJECTBOX_SECRET_ACCESS_KEY']);
  if (accessKeyId !== undefined && secretAccessKey !== undefined) return { kind: 'static', accessKeyId, secretAccessKey, source: 'OBJECTBOX_ACCESS_KEY_ID' };
  return { kind: 'static', ...devCredentials, source: 'the dev default key pair' };
}
