/**
 * The gRPC AccessKeyService (proto/objectbox/objectstore/v1/access_keys.proto) on the object
 * store's gRPC port, and its client for the CLI (`objectbox keys`). Create generates (or checks) the
 * id, generates the secret, encrypts it under the master key here, in the proposer, and proposes
 * the metadata machine's CreateAccessKey; Delete proposes DeleteAccessKey; List reads the machine
 * after a ReadIndex. Every call must be signed with the root credentials (access-key-secrets.ts).
 * Machine errors become {@link AccessKeyAdminError}, which the gRPC edge maps to a status once.
 */
import { createGrpcClient, type GrpcClient, type GrpcServiceImplementation, type GrpcTlsOptions } from '@objectbox/networking';
import { Metadata } from '@grpc/grpc-js';
import type { ObjectMetadataError } from '@objectbox/object-store-core';
import {
  adminAuthMetadataKey,
  checkAccessKeyId,
  generateAccessKeyId,
  generateSecretAccessKey,
  signAdminCall,
  verifyAdminCall,
  type AccessKeySecretCipher,
} from '@objectbox/object-store-runtime';
import { objectStore } from '@objectbox/proto';
import { ObjectBoxError, type ErrorKind } from '@objectbox/util';
import type { RaftS3MetadataStore } from './object-store-metadata.js';

type AccessKeyService = GrpcServiceImplementation<typeof objectStore.AccessKeyService.method>;

export interface RootCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The machine refused an access-key command (exists, none such, too many). */
export class AccessKeyAdminError extends ObjectBoxError {
  readonly code: string;
  readonly kind: ErrorKind;
  constructor(error: ObjectMetadataError) {
    super(error.message);
    this.code = error.code;
    this.kind = error.code === 'NoSuchAccessKey' ? 'not-found' : error.code === 'AccessKeyAlreadyExists' ? 'already-exists' : error.code === 'TooManyAccessKeys' ? 'resource-exhausted' : 'invalid-argument';
  }
}

export function accessKeyServiceImplementation(options: {
  readonly metadata: () => RaftS3MetadataStore | undefined;
  readonly cipher: () => AccessKeySecretCipher | undefined;
  readonly root: () => RootCredentials | undefined;
  readonly nowMs: () => number;
}): AccessKeyService {
  const ready = (context: { metadata: Metadata; method: string }) => {
    const [metadata, cipher, root] = [options.metadata(), options.cipher(), options.root()];
    if (metadata === undefined || cipher === undefined || root === undefined) throw new ServiceStartingError('the object store is still starting');
    const value = context.metadata.get(adminAuthMetadataKey)[0];
    verifyAdminCall(root, context.method, typeof value === 'string' ? value : undefined, options.nowMs());
    return { metadata, cipher };
  };
  return {
    async create(request, context) {
      const { metadata, cipher } = ready(context);
      const accessKeyId = request.accessKeyId === '' ? generateAccessKeyId() : request.accessKeyId;
      checkAccessKeyId(accessKeyId);
      const secretAccessKey = generateSecretAccessKey();
      const createdAtMs = options.nowMs();
      const reply = await metadata.propose({ op: 'CreateAccessKey', accessKeyId, ...cipher.encrypt(accessKeyId, secretAccessKey), createdAtMs });
      if (!reply.ok) throw new AccessKeyAdminError(reply.error);
      return { accessKeyId, secretAccessKey, createdAtUnixMs: BigInt(createdAtMs) };
    },
    async list(_request, context) {
      const { metadata } = ready(context);
      const machine = await metadata.read();
      return { accessKeys: machine.listAccessKeys().map((key) => ({ accessKeyId: key.accessKeyId, status: key.status, createdAtUnixMs: BigInt(key.createdAtMs) })) };
    },
    async delete(request, context) {
      const { metadata } = ready(context);
      if (request.accessKeyId === '' || request.accessKeyId.length > 128) throw new AccessKeyAdminError({ code: 'NoSuchAccessKey', message: 'an access key id is 1 to 128 characters' });
      const reply = await metadata.propose({ op: 'DeleteAccessKey', accessKeyId: request.accessKeyId });
      if (!reply.ok) throw new AccessKeyAdminError(reply.error);
      return {};
    },
  };
}

class ServiceStartingError extends ObjectBoxError {
  readonly code = 'Starting';
  readonly kind = 'unavailable';
}

/** A client of AccessKeyService whose every call is signed with the root credentials. */
export type AccessKeyAdminClient = GrpcClient<typeof objectStore.AccessKeyService.method>;

export function createAccessKeyAdminClient(options: { address: string; root: RootCredentials; deadlineMs: number; tls?: GrpcTlsOptions }): AccessKeyAdminClient {
  const client = createGrpcClient(objectStore.AccessKeyService, {
    address: options.address,
    deadlineMs: options.deadlineMs,
    messageBytesMax: 4 * 1024 * 1024,
    retry: { attemptCountMax: 3, backoffMsInitial: 100, backoffMsMax: 1000 },
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  });
  const signed = (method: string) => {
    const metadata = new Metadata();
    metadata.set(adminAuthMetadataKey, signAdminCall(options.root, `/${objectStore.AccessKeyService.typeName}/${method}`, Date.now()));
    return metadata;
  };
  return {
    create: (request, call) => client.create(request, { ...call, metadata: signed('Create') }),
    list: (request, call) => client.list(request, { ...call, metadata: signed('List') }),
    delete: (request, call) => client.delete(request, { ...call, metadata: signed('Delete') }),
    close: () => client.close(),
  };
}
