import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../lib/config.js';
import { tracingClientInterceptors } from './tracing.js';

type TemporalConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
>;

/** Connection options shared by the client (API) and the worker: local dev server or a cluster with mTLS / API key. */
export function connectionOptions(c: TemporalConfig): ConnectionOptions & NativeConnectionOptions {
  const mtls =
    c.TEMPORAL_TLS_CERT_PATH && c.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCertPair: {
            crt: fs.readFileSync(c.TEMPORAL_TLS_CERT_PATH),
            key: fs.readFileSync(c.TEMPORAL_TLS_KEY_PATH),
          },
        }
      : undefined;
  const tls = mtls ?? (c.TEMPORAL_TLS || c.TEMPORAL_API_KEY ? true : undefined);
  return {
    address: c.TEMPORAL_ADDRESS,
    ...(tls !== undefined && { tls }),
    ...(c.TEMPORAL_API_KEY && { apiKey: c.TEMPORAL_API_KEY }),
  };
}

/** The API's and the worker's client; `codecs` encrypt payloads (temporal/payload-codec.ts). */
export async function createTemporalClient(c: TemporalConfig, codecs: PayloadCodec[] = []): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(c), connectTimeout: '5s' });
  return new Client({
    connection,
    namespace: c.TEMPORAL_NAMESPACE,
    interceptors: tracingClientInterceptors(),
    ...(codecs.length && { dataConverter: { payloadCodecs: codecs } }),
  });
}

export function createWorkerConnection(c: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(c));
}
