import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Connection options as the SDK's environment configuration reads them (TLS, API key). */
  connectionOptions: Record<string, unknown> & { address?: string };
}

/**
 * Reads Temporal settings by the SDK's own names (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_*), so the same build runs on the dev server, a
 * self-hosted cluster and Temporal Cloud. `address` overrides for the embedded dev server.
 */
export function temporalTarget(env: Record<string, string | undefined>, override?: { address: string; namespace: string }): TemporalTarget {
  const loaded = loadClientConnectConfig({ disableFile: override !== undefined, overrideEnvVars: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) });
  const connectionOptions = { ...(loaded.connectionOptions as Record<string, unknown>) };
  const address = override?.address ?? (connectionOptions.address as string | undefined) ?? 'localhost:7233';
  const namespace = override?.namespace ?? loaded.namespace ?? 'default';
  return { address, namespace, connectionOptions: { ...connectionOptions, address } };
}

/**
 * Client connection options for the processes this app runs. Once Temporal is back after an
 * outage, grpc would otherwise wait out its reconnect backoff (growing to two minutes) before
 * trying again, and every request meanwhile fails; capped, the channel reconnects within 5 s.
 * `answering` is for a process that answers people (the web): the SDK retries an unreachable
 * Temporal ten times over about fifteen seconds, which leaves a tenant's request or a reviewer's
 * form hanging; five attempts (about a second) and then a 503 that says to try again.
 */
export function clientConnectionOptions(target: TemporalTarget, use: 'answering' | 'background'): Record<string, unknown> {
  const channelArgs = { ...(target.connectionOptions.channelArgs as Record<string, unknown> | undefined), 'grpc.max_reconnect_backoff_ms': 5000 };
  return {
    ...target.connectionOptions,
    channelArgs,
    ...(use === 'answering' ? { interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 5 }))] } : {}),
  };
}
