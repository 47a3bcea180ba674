/**
 * The demo tenant's side of the API: plain HTTP to the running server, as a tenant's own system
 * would call it, so demo data passes the same checks as real submissions.
 */
export interface TenantClient {
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  form<T = Record<string, unknown>>(path: string, fields: Record<string, string>, files: Record<string, { name: string; type: string; content: Buffer }>): Promise<T>;
}

export function tenantClient(baseUrl: string, apiKey: string): TenantClient {
  const send = async <T>(method: string, path: string, body: BodyInit | undefined, headers: Record<string, string>): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, body, headers: { authorization: `Bearer ${apiKey}`, 'accept-language': 'zh-CN', ...headers } });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo data: ${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  return {
    json: (method, path, body) => send(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' }),
    form: (path, fields, files) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      for (const [k, f] of Object.entries(files)) form.append(k, new Blob([new Uint8Array(f.content)], { type: f.type }), f.name);
      return send('POST', path, form, {});
    },
  };
}
