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
