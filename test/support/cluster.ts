import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClusterState } from '../../scripts/cluster/cluster.js';

export interface ClusterProcess {
  child: ChildProcess;
  state: ClusterState;
  /** The state file as it is now (the pids of processes started again since). */
  currentState(): Promise<ClusterState>;
  output(): string;
  /** SIGTERM, then the exit code (or signal name) once it has stopped. */
  terminate(timeoutMs: number): Promise<number | string>;
}

/** `npm run cluster` as its own process, with its data in `dataDir`; resolves once it is ready. */
export async function spawnCluster(dataDir: string, timeoutMs: number): Promise<ClusterProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster/index.ts'], {
    env: { ...process.env, CLUSTER_DATA_DIR: dataDir, CLUSTER_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster not ready within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = () => {
      if (!output.includes('Ctrl-C (or SIGTERM) stops everything')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`cluster exited (${how}) while starting:\n${output}`));
    });
  });
  const state = JSON.parse(await fs.readFile(path.join(dataDir, 'cluster.json'), 'utf8')) as ClusterState;
  return {
    child,
    state,
    currentState: async () => JSON.parse(await fs.readFile(path.join(dataDir, 'cluster.json'), 'utf8')) as ClusterState,
    output: () => output,
    async terminate(timeout) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

export interface Submission {
  key: string;
  name: string;
  /** Final HTTP status (0 = never answered). */
  status: number;
  id?: string;
  attempts: number;
  /** Why earlier attempts failed: an HTTP status or a network error code. */
  failures: string[];
  sentAt: number;
  acceptedAt?: number;
}

/**
 * POSTs a voice template as a tenant console would: a failed request (network error, 502, 503)
 * is retried with the same Idempotency-Key, through `retryUrl` (the proxy) after the first try.
 */
export async function submitWithRetry(
  firstUrl: string,
  retryUrl: string,
  apiKey: string,
  body: Record<string, unknown>,
  key: string,
  maxAttempts = 8,
): Promise<Submission> {
  const s: Submission = { key, name: String(body.name), status: 0, attempts: 0, failures: [], sentAt: Date.now() };
  for (let url = firstUrl; s.attempts < maxAttempts; url = retryUrl) {
    s.attempts++;
    try {
      const res = await fetch(`${url}/api/v1/voice-templates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      s.status = res.status;
      if (res.status === 201) {
        s.id = (JSON.parse(text) as { id: string }).id;
        s.acceptedAt = Date.now();
        return s;
      }
      if (res.status !== 502 && res.status !== 503) return s;
      s.failures.push(String(res.status));
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      s.failures.push(cause?.code ?? (err as Error).name);
    }
    await new Promise((r) => setTimeout(r, 200 * s.attempts));
  }
  return s;
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
