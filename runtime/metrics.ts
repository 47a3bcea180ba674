import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Logger } from './logger.js';
import type { ProcessState } from './supervisor.js';

export interface WebMetrics {
  registry: Registry;
  /** Times every request, labelled by its route pattern (never by its raw path). */
  middleware: RequestHandler;
  /** The text a scrape gets: our registry, then the SDK's metrics when they are served in this process. */
  render(): Promise<string>;
}

/**
 * Prometheus metrics of a web process: request rates and latencies, the review queue's depth per
 * kind and deadline state, and the outbox backlog, read from the database when scraped.
 */
export function createWebMetrics(db: Db, log: Logger, opts: { temporalAddress?: string; processes?: () => ProcessState[] } = {}): WebMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vrd_' });

  const duration = new Histogram({
    name: 'vrd_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'vrd_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'vrd_reviews_open',
    help: 'Reviews waiting for staff, by kind and deadline state',
    labelNames: ['kind', 'sla'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.execute<{ kind: string; sla: string; n: number }>(
        sql`select kind, sla_state as sla, count(*)::int as n from reviews where status in ('pending', 'provisioning', 'checking') group by kind, sla_state`,
      );
      for (const r of rows) this.set({ kind: r.kind, sla: r.sla }, r.n);
    },
  });
  new Gauge({
    name: 'vrd_outbox_backlog',
    help: 'Notices not yet handed to SMTP or the SMS gateway, or failed, by state and channel',
    labelNames: ['state', 'channel'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.execute<{ state: string; channel: string; n: number }>(
        sql`select state, channel, count(*)::int as n from notification_outbox where state in ('queued', 'sending', 'failed') group by state, channel`,
      );
      for (const r of rows) this.set({ state: r.state, channel: r.channel }, r.n);
    },
  });

  const processes = opts.processes;
  if (processes) {
    new Gauge({
      name: 'vrd_supervised_up',
      help: 'Whether each process of this supervisor is running (1) or starting, restarting or stopped (0)',
      labelNames: ['process', 'role'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of processes()) this.set({ process: p.name, role: p.role }, p.state === 'running' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'vrd_supervised_restarts',
      help: 'Times the supervisor has started each process again after it ended, since the supervisor started',
      labelNames: ['process', 'role'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of processes()) this.set({ process: p.name, role: p.role }, p.restarts);
      },
    });
  }

  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const pattern = (req.route as { path?: string } | undefined)?.path;
      const route = pattern ? `${req.baseUrl}${pattern}` : 'unmatched';
      const labels = { method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` };
      end(labels);
      requests.inc(labels);
    });
    next();
  };

  const render = async (): Promise<string> => {
    const ours = await registry.metrics();
    if (!opts.temporalAddress) return ours;
    try {
      const res = await fetch(`http://${opts.temporalAddress}/metrics`, { signal: AbortSignal.timeout(2000) });
      return `${ours}\n${await res.text()}`;
    } catch (err) {
      log.warn({ err }, 'the Temporal SDK metrics could not be read');
      return ours;
    }
  };

  return { registry, middleware, render };
}

/** Loopback callers, or callers with the token: a scrape from the monitoring stack, nobody else. */
export function mayScrape(req: Request, token: string | undefined): boolean {
  if (token) return req.get('authorization') === `Bearer ${token}`;
  const from = req.socket.remoteAddress ?? '';
  return from === '127.0.0.1' || from === '::1' || from === '::ffff:127.0.0.1';
}
