import type { Express } from 'express';

/** A route the app serves: `GET /reviews/:id`, or `GET /static/*` for a folder served as files. */
export interface ServedRoute {
  method: string;
  path: string;
}

interface Layer {
  name?: string;
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

const join = (prefix: string, path: string) => (prefix + (path === '/' ? '' : path) || '/').replace(/\/{2,}/g, '/');

/**
 * Every route of an Express 5 app, found by walking its router stacks (routers mounted inside
 * routers included), so a test can notice a route nobody told it about.
 */
export function servedRoutes(app: Express): ServedRoute[] {
  const found = new Map<string, ServedRoute>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m])) {
          for (const p of paths) {
            const route = { method: method.toUpperCase(), path: join(prefix, p) };
            found.set(`${route.method} ${route.path}`, route);
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, join(prefix, mount));
      } else if (layer.name === 'serveStatic') {
        const route = { method: 'GET', path: `${join(prefix, mount)}/*` };
        found.set(`${route.method} ${route.path}`, route);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...found.values()].sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}
