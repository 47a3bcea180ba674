// Small networking helpers shared by the Temporal binary and dev-server scripts.
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Returns `count` distinct free TCP ports on `host`. All sockets stay bound until every port is
 * known, so the ports differ from each other; another process can still take one before the caller
 * binds it, so callers retry on "address already in use".
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('could not read the bound port');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/**
 * Like freePorts, but below `limit` (exclusive), for software that stores ports in 16-bit signed
 * columns (Temporal's cluster membership table): the kernel's own choice comes from the ephemeral
 * range above 32767. Scans upwards from a random start in [limit / 2, limit).
 */
export async function freePortsBelow(count: number, limit = 32_768, host = '127.0.0.1'): Promise<number[]> {
  const low = Math.floor(limit / 2);
  const span = limit - low;
  const start = low + Math.floor(Math.random() * span);
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < span && ports.length < count; i++) {
      const port = low + ((start - low + i) % span);
      const server = net.createServer();
      const bound = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, host, () => resolve(true));
      });
      if (!bound) continue;
      servers.push(server);
      ports.push(port);
    }
    if (ports.length < count) throw new Error(`only ${ports.length} of ${count} free ports below ${limit}`);
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  if (port === undefined) throw new Error('no free port');
  return port;
}

/** Resolves true once a TCP connection to host:port succeeds, false when it does not. */
export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/**
 * Polls until host:port accepts TCP connections. `stillAlive` lets the caller stop early when the
 * process that should listen has died. Returns the milliseconds waited.
 */
export async function waitForTcp(
  port: number,
  opts: { host?: string; timeoutMs: number; stillAlive?: () => boolean },
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await canConnect(port, opts.host)) return Date.now() - started;
    if (opts.stillAlive && !opts.stillAlive()) throw new Error(`the process exited before it listened on port ${port}`);
    if (Date.now() - started > opts.timeoutMs) throw new Error(`nothing listened on port ${port} within ${opts.timeoutMs} ms`);
    await delay(25);
  }
}
