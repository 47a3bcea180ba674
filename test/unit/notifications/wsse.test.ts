import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDigest, parseWsse, signedReportHeaders, verifyWsse, wsseCreated, wsseHeaders, wssePasswordDigest } from '../../../notifications/sms.js';

// A fixed vector; the expected digests are computed here with node:crypto, not by the code under test.
const nonce = 'ac1c911c4792492687f8f6b2264a491e';
const created = '2018-05-26T00:35:30Z';
const secret = 'Zq8PwR2mLt5vXy0A';
const rawDigest = createHash('sha256').update(`${nonce}${created}${secret}`).digest('base64');
const hexDigest = Buffer.from(createHash('sha256').update(`${nonce}${created}${secret}`).digest('hex')).toString('base64');
const createdMs = Date.parse(created);
const header = (over: Partial<{ username: string; digest: string; nonce: string; created: string }> = {}): string =>
  `UsernameToken Username="${over.username ?? 'app-key-1'}",PasswordDigest="${over.digest ?? rawDigest}",Nonce="${over.nonce ?? nonce}",Created="${over.created ?? created}"`;

describe('WSSE password digest', () => {
  it('when given a fixed nonce, created and secret, then it is Base64(SHA256(nonce + created + secret))', () => {
    expect(wssePasswordDigest(nonce, created, secret)).toBe(rawDigest);
    expect(rawDigest).toHaveLength(44);
  });

  it('when the hex-base64 variant is chosen, then it is Base64 of the hex SHA-256 (the Huawei samples)', () => {
    expect(wssePasswordDigest(nonce, created, secret, 'hex-base64')).toBe(hexDigest);
    expect(hexDigest).not.toBe(rawDigest);
  });

  it('when Created is formatted, then it is ISO 8601 UTC to the second with a Z', () => {
    expect(wsseCreated(new Date('2026-03-04T05:06:07.891Z'))).toBe('2026-03-04T05:06:07Z');
  });

  it('when headers are built, then Authorization is the fixed WSSE realm and X-WSSE carries key, digest, nonce and created', () => {
    const h = wsseHeaders('app-key-1', secret, { nonce, created });
    expect(h.Authorization).toBe('WSSE realm="SDP",profile="UsernameToken",type="Appkey"');
    expect(h['X-WSSE']).toBe(header());
  });

  it('when headers are built twice without a nonce, then each gets a fresh alphanumeric nonce', () => {
    const a = parseWsse(wsseHeaders('k', secret)['X-WSSE']);
    const b = parseWsse(wsseHeaders('k', secret)['X-WSSE']);
    expect(a?.nonce).toMatch(/^[A-Za-z0-9]{16,128}$/);
    expect(a?.nonce).not.toBe(b?.nonce);
  });
});

describe('verifyWsse', () => {
  const opts = { maxSkewMs: 5 * 60_000, now: createdMs };

  it('when the header is ours and on time, then it is accepted with its nonce and time', () => {
    const v = verifyWsse(header(), 'app-key-1', secret, opts);
    expect(v).toEqual({ ok: true, username: 'app-key-1', nonce, created: new Date(created) });
  });

  it('when Created is at the edge of the window either way, then it is accepted; one second past, then it is stale', () => {
    expect(verifyWsse(header(), 'app-key-1', secret, { maxSkewMs: 60_000, now: createdMs + 60_000 }).ok).toBe(true);
    expect(verifyWsse(header(), 'app-key-1', secret, { maxSkewMs: 60_000, now: createdMs - 60_000 }).ok).toBe(true);
    expect(verifyWsse(header(), 'app-key-1', secret, { maxSkewMs: 60_000, now: createdMs + 61_000 })).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifyWsse(header(), 'app-key-1', secret, { maxSkewMs: 60_000, now: createdMs - 61_000 })).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('when the digest was made with another secret, then it is refused as a bad digest', () => {
    const forged = createHash('sha256').update(`${nonce}${created}guessed-secret`).digest('base64');
    expect(verifyWsse(header({ digest: forged }), 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'bad_digest' });
  });

  it('when Created or the nonce is changed after signing, then the digest no longer matches', () => {
    expect(verifyWsse(header({ created: '2018-05-26T00:35:31Z' }), 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'bad_digest' });
    expect(verifyWsse(header({ nonce: 'bc1c911c4792492687f8f6b2264a491e' }), 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'bad_digest' });
  });

  it('when the digest is truncated or of the other encoding, then it is refused', () => {
    expect(verifyWsse(header({ digest: rawDigest.slice(0, 20) }), 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'bad_digest' });
    expect(verifyWsse(header({ digest: hexDigest }), 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'bad_digest' });
    expect(verifyWsse(header({ digest: hexDigest }), 'app-key-1', secret, { ...opts, digest: 'hex-base64' }).ok).toBe(true);
  });

  it('when the Username is another app key, then it is refused as an unknown key', () => {
    expect(verifyWsse(header({ username: 'other-key' }), 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'unknown_key' });
  });

  it('when the header is missing or malformed, then it is refused as malformed', () => {
    for (const bad of [undefined, null, '', 'Basic abc', 'UsernameToken Username="k"', `${header()},Nonce="x"`, header().replace(/"/g, ''), header({ nonce: 'has space' })]) {
      expect(verifyWsse(bad, 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('when Created is not an ISO UTC time, then it is refused', () => {
    const when = '2018-05-26 00:35:30';
    const digest = createHash('sha256').update(`${nonce}${when}${secret}`).digest('base64');
    expect(verifyWsse(header({ created: when, digest }), 'app-key-1', secret, opts)).toMatchObject({ ok: false, reason: 'bad_created' });
  });

  it('when the same nonce comes twice and a replay check is given, then the second is refused', () => {
    const seen = new Set<string>();
    const isReplay = (n: string): boolean => seen.has(n) || (seen.add(n), false);
    expect(verifyWsse(header(), 'app-key-1', secret, { ...opts, isReplay }).ok).toBe(true);
    expect(verifyWsse(header(), 'app-key-1', secret, { ...opts, isReplay })).toMatchObject({ ok: false, reason: 'replayed' });
  });

  it('when a forged header is checked, then the replay check never sees it (a forger cannot burn nonces)', () => {
    const seen: string[] = [];
    const forged = createHash('sha256').update(`${nonce}${created}not-the-secret`).digest('base64');
    verifyWsse(header({ digest: forged }), 'app-key-1', secret, { ...opts, isReplay: (n) => (seen.push(n), false) });
    expect(seen).toEqual([]);
  });
});

describe('signed delivery reports (the body inside the signature)', () => {
  const body = 'smsMsgId=m-1&status=DELIVRD&to=%2B8613800138000';
  const bodyDigest = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const opts = { maxSkewMs: 5 * 60_000, now: createdMs };

  it('when a report is signed, then Content-Digest is the RFC 9530 SHA-256 of the body and the digest is Base64(SHA256(nonce + created + Content-Digest + secret))', () => {
    expect(contentDigest(body)).toBe(bodyDigest);
    expect(contentDigest(Buffer.from(body))).toBe(bodyDigest);
    const h = signedReportHeaders('app-key-1', secret, body, { nonce, created });
    expect(h['Content-Digest']).toBe(bodyDigest);
    const expected = createHash('sha256').update(`${nonce}${created}${bodyDigest}${secret}`).digest('base64');
    expect(parseWsse(h['X-WSSE'])?.passwordDigest).toBe(expected);
    expect(expected).not.toBe(rawDigest);
  });

  it('when the report is checked against its own body, then it is accepted', () => {
    const h = signedReportHeaders('app-key-1', secret, body, { nonce, created });
    expect(verifyWsse(h['X-WSSE'], 'app-key-1', secret, { ...opts, contentDigest: contentDigest(body) }).ok).toBe(true);
  });

  it('when the header is put on another body, then the digest no longer matches', () => {
    const h = signedReportHeaders('app-key-1', secret, body, { nonce, created });
    const other = body.replace('DELIVRD', 'UNDELIV');
    expect(verifyWsse(h['X-WSSE'], 'app-key-1', secret, { ...opts, contentDigest: contentDigest(other) })).toMatchObject({ ok: false, reason: 'bad_digest' });
  });

  it('when a header signed without the body is checked as a report, then it is refused', () => {
    expect(verifyWsse(header(), 'app-key-1', secret, { ...opts, contentDigest: bodyDigest })).toMatchObject({ ok: false, reason: 'bad_digest' });
  });
});
