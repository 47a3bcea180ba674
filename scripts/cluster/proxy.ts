/**
 * A small round-robin HTTP proxy in front of the web processes, so the cluster has one URL.
 *
 * - Each request goes to the next backend that is not resting. The request body is not read
 *   until the backend's connection is open, so a refused connection (a backend that is down)
 *   costs nothing: the same request goes to the next backend, and the refusing one rests for
 *   a few seconds.
 * - A backend that fails after it got the request (killed mid-request) cannot be retried
 *   safely: the client gets 502 in the API's error shape and decides (the tenant API's
 *   Idempotency-Key makes a retried submission one submission).
 * - X-Forwarded-For/-Proto/-Host are set, so the web processes (which trust one proxy when
 *   PUBLIC_URL is set) see the client's address.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Backend {
  name: string;
  host: string;
  port: number;
}

export interface Proxy {
  url: string;
  port: number;
  /** Requests answered per backend name, and 502s sent. */
  stats(): { forwarded: Record<string, number>; badGateway: number };
  stop(): Promise<void>;
}

const REST_MS = 3_000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

interface BackendState extends Backend {
  restingUntil: number;
}

export async function startProxy(opts: { host: string; port: number; backends: Backend[]; log: (msg: string) => void }): Promise<Proxy> {
  const backends: BackendState[] = opts.backends.map((b) => ({ ...b, restingUntil: 0 }));
  const forwarded: Record<string, number> = Object.fromEntries(backends.map((b) => [b.name, 0]));
  let badGateway = 0;
  let next = 0;

  /** Backends in the order to try them: awake ones round-robin first, resting ones last. */
  const order = (): BackendState[] => {
    const start = next++ % backends.length;
    const rotated = [...backends.slice(start), ...backends.slice(0, start)];
    const now = Date.now();
    return [...rotated.filter((b) => b.restingUntil <= now), ...rotated.filter((b) => b.restingUntil > now)];
  };

  const fail = (res: http.ServerResponse, status: number, code: string, message: string): void => {
    if (status === 502) badGateway++;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    res.end(JSON.stringify({ error: { code, message, details: [] } }));
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, candidates: BackendState[]): void => {
    const backend = candidates[0];
    if (!backend) {
      fail(res, 502, 'bad_gateway', 'No web process accepted the connection; try again shortly.');
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const client = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${client}` : client;
    headers['x-forwarded-proto'] = 'http';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;

    let connected = false;
    const upstream = http.request({ host: backend.host, port: backend.port, method: req.method, path: req.url, headers, agent: false });
    upstream.once('socket', (socket: Socket) => {
      socket.once('connect', () => {
        connected = true;
        req.pipe(upstream);
      });
    });
    upstream.once('response', (answer) => {
      forwarded[backend.name] = (forwarded[backend.name] ?? 0) + 1;
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
      answer.once('aborted', () => res.destroy());
      answer.once('error', () => res.destroy());
    });
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected) {
        backend.restingUntil = Date.now() + REST_MS;
        opts.log(`${backend.name} refused a connection (${err.code ?? err.message}); resting it for ${REST_MS / 1000} s`);
        forward(req, res, candidates.slice(1));
        return;
      }
      fail(res, 502, 'bad_gateway', `The web process handling this request went away (${err.code ?? err.message}); retry it (with the same Idempotency-Key for submissions).`);
    });
    // The client gave up: stop the backend's work on its behalf.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
  };

  const server = http.createServer((req, res) => forward(req, res, order()));
  // Node's default keep-alive timeout (5 s) is shorter than typical client pools; avoid resets.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host}:${port}`,
    port,
    stats: () => ({ forwarded: { ...forwarded }, badGateway }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
