import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config.ts';

type TemporalConfig = Pick<
  Config,
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
  | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
  | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
  | 'TEMPORAL_TLS_SERVER_NAME'
>;

/** Connection options shared by clients and workers: plain, TLS, mTLS or Temporal Cloud API key. */
function connectionOptions(config: TemporalConfig, address: string): ConnectionOptions & NativeConnectionOptions {
  const read = (p?: string) => (p ? readFileSync(p) : undefined);
  const clientCert = read(config.TEMPORAL_TLS_CLIENT_CERT_PATH);
  const clientKey = read(config.TEMPORAL_TLS_CLIENT_KEY_PATH);
  const tlsWanted = config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY) || Boolean(clientCert);
  return {
    address,
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
    ...(tlsWanted
      ? {
          tls: {
            ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
            ...(config.TEMPORAL_TLS_SERVER_CA_CERT_PATH ? { serverRootCACertificate: read(config.TEMPORAL_TLS_SERVER_CA_CERT_PATH) } : {}),
            ...(clientCert && clientKey ? { clientCertPair: { crt: clientCert, key: clientKey } } : {}),
          },
        }
      : {}),
  };
}

export function connect(config: TemporalConfig, address: string): Promise<Connection> {
  return Connection.connect(connectionOptions(config, address));
}

/** A client of the platform's namespace; `dataConverter`: the payload encryption (services/payload-codec.ts). */
export async function connectClient(
  config: TemporalConfig & Pick<Config, 'TEMPORAL_NAMESPACE'>,
  address: string,
  dataConverter: DataConverter,
): Promise<Client> {
  return new Client({ connection: await connect(config, address), namespace: config.TEMPORAL_NAMESPACE, dataConverter });
}

export function connectWorker(config: TemporalConfig, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config, address));
}
