import type { Role } from '../../domain/review.js';

/** What a page says, without its markup: enough of an error page to tell which check refused. */
const textOf = (html: string) =>
  html
    .replace(/<(style|script|head)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 400);

/** A staff member's browser session without a browser: cookies, CSRF tokens and forms over fetch. */
export class BackOfficeSession {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly baseUrl: string) {}

  /** What a browser sends with a form post from one of the app's pages. */
  private get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; html: string; headers: Headers }> {
    const res = await fetch(this.baseUrl + path, { headers: { cookie: this.cookieHeader(), ...headers }, redirect: 'manual' });
    this.remember(res);
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, html, headers: res.headers };
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; html: string; headers: Headers }> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form });
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...headers },
      body,
      redirect: 'manual',
    });
    this.remember(res);
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, html, headers: res.headers };
  }

  /** Posts a body as given (repeated fields, e.g. checkbox lists); the caller includes _csrf. */
  async postRaw(path: string, body: URLSearchParams, headers: Record<string, string> = {}): Promise<{ status: number; html: string; headers: Headers }> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...headers },
      body,
      redirect: 'manual',
    });
    this.remember(res);
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  /** The page a form's 303 leads to, opened as a browser opens it next (the flash is shown there). */
  async follow(res: { status: number; headers: Headers; html: string }): Promise<{ status: number; html: string; headers: Headers }> {
    const location = res.headers.get('location');
    if (res.status !== 303 || !location) throw new Error(`expected a 303 to a page, got ${res.status}: ${textOf(res.html)}`);
    return this.get(location);
  }

  /** A cookie as the browser holds it (undefined when it has none). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async login(email: string, password: string): Promise<void> {
    const page = await this.get('/login');
    if (page.status !== 200) throw new Error(`the login page answered ${page.status}: ${textOf(page.html)}`);
    const res = await this.post('/login', { email, password, next: '/queue' });
    if (res.status !== 303) throw new Error(`login failed with ${res.status}: ${textOf(res.html)}`);
  }
}

/** A member of staff of the given role, added and signed in. */
export async function signedIn(app: { url: string; addStaff(role: Role): Promise<{ id: string; name: string; email: string; password: string }> }, role: Role) {
  const member = await app.addStaff(role);
  const session = new BackOfficeSession(app.url);
  await session.login(member.email, member.password);
  return { member, session };
}

export function formToken(html: string): string {
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no decision token in page');
  return token;
}

/** Opens the review page (for its decision token and round) and posts a decision as htmx would. */
export async function decideInBackOffice(session: BackOfficeSession, reviewId: string, form: Record<string, string>): Promise<{ status: number; html: string }> {
  const page = await session.get(`/reviews/${reviewId}`);
  const round = /name="round" value="(\d+)"/.exec(page.html)?.[1] ?? '1';
  return session.post(`/reviews/${reviewId}/decision`, { round, token: formToken(page.html), ...form }, { 'HX-Request': 'true' });
}
