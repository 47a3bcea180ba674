import { describe, expect, it } from 'vitest';
import { returnAfterLogin } from '../../server/backoffice/session.js';

const ID = '0b7c1f5e-1111-4222-8333-444455556666';
const where = (method: string, originalUrl: string, headers: Record<string, string> = {}) =>
  returnAfterLogin({ method, originalUrl, get: ((name: string) => headers[name.toLowerCase()]) as never });

describe('where a login returns after the session ended', () => {
  it.each([
    ['a page', 'GET', '/queue?kind=audio_file', {}, '/queue?kind=audio_file'],
    ['an htmx fragment of a page', 'GET', '/queue?cursor=x', { 'hx-request': 'true', 'hx-current-url': 'http://127.0.0.1:3000/queue?kind=audio_file' }, '/queue?kind=audio_file'],
    ['a form, from its page', 'POST', `/reviews/${ID}/release`, { referer: `http://127.0.0.1:3000/reviews/${ID}?from=%2Fqueue` }, `/reviews/${ID}?from=%2Fqueue`],
    ['an htmx form, from its page', 'POST', `/reviews/${ID}/claim`, { 'hx-request': 'true', 'hx-current-url': `http://127.0.0.1:3000/reviews/${ID}` }, `/reviews/${ID}`],
    ['a review form with no page named', 'POST', `/reviews/${ID}/release`, {}, `/reviews/${ID}`],
    ['another form with no page named', 'POST', '/admin/calendar', {}, '/queue'],
    ['a form whose page was the login', 'POST', '/admin/calendar', { referer: 'http://127.0.0.1:3000/login?next=%2Fx' }, '/queue'],
    ['a form from a page elsewhere: only its path is kept', 'POST', '/admin/calendar', { referer: 'https://evil.example/admin/rules' }, '/admin/rules'],
    ['a referer whose path starts with two slashes', 'POST', '/admin/calendar', { referer: 'http://127.0.0.1:3000//evil.example/x' }, '/evil.example/x'],
  ])('when the request is %s, then it returns to that page', (_what, method, url, headers, expected) => {
    expect(where(method, url, headers)).toBe(expected);
  });

  it('when the answer is any of these, then it is a path on this site, never a POST address', () => {
    for (const referer of ['', 'not a url', 'javascript:alert(1)', 'http://127.0.0.1:3000/\\\\evil']) {
      const next = where('POST', `/reviews/${ID}/decision`, { referer });
      expect(next, referer).toMatch(/^\/(?!\/)/);
      expect(next).not.toMatch(/\/decision$/);
    }
  });
});
