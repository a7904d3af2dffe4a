import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';
import { assert } from '@objectbox/util';

/**
 * TLS material for gRPC. PEM buffers, not paths: loading files is the caller's job (config).
 * With `caPem` on a server and `requireClientCert`, the server does mutual TLS: it only accepts
 * clients presenting a certificate signed by that CA.
 */
export interface GrpcTlsOptions {
  readonly caPem?: Buffer;
  readonly certPem?: Buffer;
  readonly keyPem?: Buffer;
  /** Server only: demand and verify a client certificate (mTLS). Requires `caPem`. */
  readonly requireClientCert?: boolean;
}

export function serverCredentialsOf(tls: GrpcTlsOptions | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  assert(tls.certPem !== undefined && tls.keyPem !== undefined, 'a TLS server needs certPem and keyPem');
  assert(tls.requireClientCert !== true || tls.caPem !== undefined, 'mTLS needs caPem to verify clients');
  return ServerCredentials.createSsl(
    tls.caPem ?? null,
    [{ cert_chain: tls.certPem, private_key: tls.keyPem }],
    tls.requireClientCert === true,
  );
}

export function channelCredentialsOf(tls: GrpcTlsOptions | undefined): ChannelCredentials {
  if (tls === undefined) return ChannelCredentials.createInsecure();
  assert((tls.certPem === undefined) === (tls.keyPem === undefined), 'a client certificate needs both certPem and keyPem');
  return ChannelCredentials.createSsl(tls.caPem ?? null, tls.keyPem ?? null, tls.certPem ?? null);
}
