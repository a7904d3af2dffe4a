import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { devCredentials, parseIni, resolveConnection } from './s3-config.js';
import { UsageError } from './s3-uri.js';

const configFile = `
# comment
[default]
region = eu-west-1

[profile work]
region = us-west-2
endpoint_url = https://objectbox.example.com:9000
[profile svc]
services = local
[services local]
s3 =
  endpoint_url = http://10.0.0.5:9000
`;
const credentialsFile = `
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = secret
[work]
aws_access_key_id = AKIAWORK
aws_secret_access_key = secret2
`;

test('the ini parser reads sections, properties, comments and indented sub-properties', () => {
  const sections = parseIni(configFile);
  assert.equal(sections.get('default')?.get('region'), 'eu-west-1');
  assert.equal(sections.get('profile work')?.get('endpoint_url'), 'https://objectbox.example.com:9000');
  assert.equal(sections.get('services local')?.get('s3.endpoint_url'), 'http://10.0.0.5:9000');
});

test('with nothing configured: the dev process, us-east-1, path style and the dev key pair', () => {
  const connection = resolveConnection({}, {}, {});
  assert.equal(connection.endpoint, 'http://127.0.0.1:9000');
  assert.equal(connection.region, 'us-east-1');
  assert.equal(connection.forcePathStyle, true);
  assert.deepEqual(connection.credentials, { kind: 'static', ...devCredentials, source: 'the dev default key pair' });
});

test('OBJECTBOX_ACCESS_KEY_ID / OBJECTBOX_SECRET_ACCESS_KEY replace the dev key pair', () => {
  const connection = resolveConnection({}, { OBJECTBOX_ACCESS_KEY_ID: 'root', OBJECTBOX_SECRET_ACCESS_KEY: 'pw' }, {});
  assert.deepEqual(connection.credentials, { kind: 'static', accessKeyId: 'root', secretAccessKey: 'pw', source: 'OBJECTBOX_ACCESS_KEY_ID' });
});

test('flags beat the environment, which beats the profile files', () => {
  const env = { AWS_ENDPOINT_URL: 'http://env:1', AWS_ENDPOINT_URL_S3: 'http://env-s3:2', AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' };
  const files = { config: configFile, credentials: credentialsFile };
  const fromFlags = resolveConnection({ endpointUrl: 'http://flag:3/', region: 'eu-central-1' }, env, files);
  assert.equal(fromFlags.endpoint, 'http://flag:3');
  assert.equal(fromFlags.endpointSource, '--endpoint-url');
  assert.equal(fromFlags.region, 'eu-central-1');
  const fromEnv = resolveConnection({}, env, files);
  assert.equal(fromEnv.endpoint, 'http://env-s3:2');
  assert.equal(fromEnv.region, 'ap-south-1');
  assert.equal(resolveConnection({}, { AWS_DEFAULT_REGION: 'sa-east-1' }, files).region, 'sa-east-1');
  assert.equal(resolveConnection({}, { AWS_ENDPOINT_URL: 'http://env:1' }, {}).endpoint, 'http://env:1');
  assert.equal(resolveConnection({}, { AWS_ENDPOINT_URL: 'http://env:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, {}).endpoint, 'http://127.0.0.1:9000');
});

test('a named profile gives endpoint, region and the SDK credential chain', () => {
  const files = { config: configFile, credentials: credentialsFile };
  const work = resolveConnection({ profile: 'work' }, {}, files);
  assert.equal(work.endpoint, 'https://objectbox.example.com:9000');
  assert.equal(work.region, 'us-west-2');
  assert.deepEqual(work.credentials, { kind: 'chain', profile: 'work', source: 'profile work' });
  assert.equal(resolveConnection({}, { AWS_PROFILE: 'svc' }, files).endpoint, 'http://10.0.0.5:9000');
  assert.throws(() => resolveConnection({ profile: 'nope' }, {}, files), UsageError);
});

test('the default profile keys are used only for a configured endpoint, never silently for the dev process', () => {
  const files = { config: configFile, credentials: credentialsFile };
  assert.equal(resolveConnection({}, {}, files).credentials.kind, 'static');
  assert.equal(resolveConnection({}, {}, files).region, 'eu-west-1');
  assert.deepEqual(resolveConnection({ endpointUrl: 'http://h:9000' }, {}, files).credentials, { kind: 'chain', profile: undefined, source: 'the AWS default credential chain' });
  assert.equal(resolveConnection({}, { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, {}).credentials.kind, 'chain');
});

test('AWS endpoints use virtual-host addressing; a bad endpoint is a usage error', () => {
  assert.equal(resolveConnection({ endpointUrl: 'https://s3.eu-west-1.amazonaws.com' }, {}, {}).forcePathStyle, false);
  assert.equal(resolveConnection({ endpointUrl: 'https://minio.local:9000' }, {}, {}).forcePathStyle, true);
  assert.throws(() => resolveConnection({ endpointUrl: 'not a url' }, {}, {}), /--endpoint-url: invalid endpoint URL/);
  assert.throws(() => resolveConnection({ endpointUrl: 'ftp://x' }, {}, {}), UsageError);
});
