import http from 'node:http';
import net from 'node:net';

/**
 * Requests sent exactly as written: node:http keeps the path as given (fetch would resolve `..`
 * and `%2e%2e` before sending) and lets a header carry any latin-1 byte.
 */

export interface RawRequest {
  method: string;
  /** Sent as is; characters node:http refuses in a request line are percent-encoded first. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** Percent-encoding that also takes a lone surrogate (as the bytes a careless encoder would write). */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      const u = ch.charCodeAt(0);
      out += [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
  }
  return out;
}

/** What node:http accepts in a request target: latin-1 without spaces or controls (latin-1 above 0x7f goes as raw bytes). */
export const requestTarget = (path: string) => path.replace(/[^\u0021-\u00ff]/gu, (c) => percentEncode(c));

export function send(baseUrl: string, req: RawRequest, timeoutMs = 60_000): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
    const headers: Record<string, string | string[]> = { ...(req.headers ?? {}) };
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length' || h.toLowerCase() === 'transfer-encoding')) headers['content-length'] = String(body.length);
    const r = http.request({ host: url.hostname, port: url.port, method: req.method, path: requestTarget(req.path), headers, agent, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text: buf.toString('utf8') });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer to ${req.method} ${req.path} within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(body);
  });
}

/**
 * Writes the bytes on a fresh connection and reads until the server answers or closes.
 * For what node:http will not send: a body shorter than its Content-Length, a connection
 * dropped mid-upload. Resolves with the status line's code, or 0 when the server said nothing.
 */
export function sendBytes(baseUrl: string, bytes: Buffer, opts: { closeAfterMs?: number } = {}): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(bytes);
      if (opts.closeAfterMs !== undefined) timer = setTimeout(() => socket.destroy(), opts.closeAfterMs);
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One answer is enough: the server may keep the connection open.
      const text = Buffer.concat(chunks).toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, headEnd))?.[1];
        if (length !== undefined && text.length - headEnd - 4 >= Number(length)) socket.end();
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      // A reset after the request was written is the server closing on a broken request.
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'EPIPE') resolve(parse(chunks));
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(chunks));
    });
  });
}

function parse(chunks: Buffer[]): { status: number; text: string } {
  const text = Buffer.concat(chunks).toString('utf8');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
  return { status: status ? Number(status) : 0, text };
}

export const header = (a: RawAnswer, name: string) => {
  const v = a.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
};
