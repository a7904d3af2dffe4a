import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway CA with a server and a client certificate for 127.0.0.1/localhost, made with openssl. */
export interface TestCertificates {
  readonly caPem: Buffer;
  readonly serverCertPem: Buffer;
  readonly serverKeyPem: Buffer;
  readonly clientCertPem: Buffer;
  readonly clientKeyPem: Buffer;
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'objectbox-certs-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=objectbox-test-ca', '-keyout', 'ca.key', '-out', 'ca.pem');
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    for (const name of ['server', 'client']) {
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=objectbox-test-${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', `${name}.pem`, ...(name === 'server' ? ['-extfile', 'server.ext'] : []));
    }
    const read = (file: string) => readFileSync(join(dir, file));
    return {
      caPem: read('ca.pem'),
      serverCertPem: read('server.pem'),
      serverKeyPem: read('server.key'),
      clientCertPem: read('client.pem'),
      clientKeyPem: read('client.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
