import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger.js';

let installed = false;

/**
 * Routes the Temporal SDK's own log lines (worker state, bundler output) into our pino
 * logger at WARN and above, and serves its metrics when an address is given; must run
 * before the first worker or native connection.
 */
export function installTemporalRuntime(log: Logger, metricsAddress?: string): void {
  if (installed) return;
  installed = true;
  const level: LogLevel = log.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        const { message, meta } = entry;
        const target = entry.level === 'ERROR' ? log.error.bind(log) : entry.level === 'WARN' ? log.warn.bind(log) : log.debug.bind(log);
        target({ temporal: meta }, message);
      }),
      // The SDK's own metrics (workflow task latency, slots, pollers), served for Prometheus.
      ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
    });
  } catch (err) {
    // Already created (e.g. by a test environment): keep that one.
    log.debug({ err }, 'Temporal runtime already installed');
  }
}
