import { describe, expect, it } from 'vitest';
import { appName, callbackUrlProblem, changeAppInput, createAppInput, planAppChange, type AppState } from '../../domain/apps.js';

const app = (over: Partial<AppState> = {}): AppState => ({
  name: 'courier_app',
  businessType: 'voice_notification',
  status: 'normal',
  recording: false,
  qualityCheck: false,
  statusCallbackUrl: null,
  cdrCallbackUrl: null,
  promptAudioId: null,
  ...over,
});

describe('app names', () => {
  it.each([['快递_App2'], ['a'], ['x'.repeat(64)], ['通知'.repeat(32)]])('when the name is %s, then it is accepted', (name) => {
    expect(appName.safeParse(name).success).toBe(true);
  });

  it.each([[''], ['my app'], [' lead'], ['trail '], ['tab\there'], ['dash-name'], ['点.号'], ['x'.repeat(65)], ['emoji😀'], ['全角　空格']])(
    'when the name is %j, then it is refused',
    (name) => {
      expect(appName.safeParse(name).success).toBe(false);
    },
  );
});

describe('callback URLs', () => {
  it.each([
    ['https://cb.example.com/status', null],
    ['https://cb.example.com:8443/a/b?x=1&y=%20', null],
    ['http://cb.example.com/status', 'v.url_scheme'],
    ['ftp://cb.example.com/status', 'v.url_scheme'],
    [' https://cb.example.com/status', 'v.url_spaces'],
    ['https://cb.example.com/status ', 'v.url_spaces'],
    ['https://cb.example.com/sta tus', 'v.url_spaces'],
    ['https://cb.example.com/\u3000', 'v.url_spaces'],
    ['https://user:pw@cb.example.com/status', 'v.url_credentials'],
    ['https://user@cb.example.com/status', 'v.url_credentials'],
    ['cb.example.com/status', 'v.url_https'],
    ['https:cb.example.com', 'v.url_https'],
    ['https://', 'v.url_https'],
    ['https:///path', 'v.url_https'],
    ['https://exa[mple.com', 'v.url_https'],
    ['HTTPS://`', 'v.url_https'],
    ['https://a_b.example.com/', 'v.url_https'],
    ['https://例子.测试/路径', null],
    ['https://192.0.2.1:8443/cb', null],
    ['https://[2001:db8::1]/cb', null],
  ])('when the URL is %j, then the problem is %s', (url, problem) => {
    expect(callbackUrlProblem(url)).toBe(problem);
  });

  it('when a create body has a bad callback, then the issue names the field', () => {
    const r = createAppInput.safeParse({ name: 'a', businessType: 'voice_callback', cdrCallbackUrl: 'http://x.example.com' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['cdrCallbackUrl', 'v.url_scheme']]);
  });

  it('when a callback is an empty string or null, then it means none', () => {
    const r = createAppInput.parse({ name: 'a', businessType: 'voice_callback', statusCallbackUrl: '', cdrCallbackUrl: null });
    expect(r).toMatchObject({ statusCallbackUrl: null, cdrCallbackUrl: null, recording: false, qualityCheck: false });
  });
});

describe('planning an app change', () => {
  const plan = (current: AppState, body: unknown) => planAppChange(current, changeAppInput.parse(body));

  it('when only values equal to the app’s own are sent, then nothing changes', () => {
    expect(plan(app({ recording: true }), { name: 'courier_app', businessType: 'voice_notification', recording: true })).toEqual({ changes: {}, optOut: false });
  });

  it('when the business type differs, then it is refused naming businessType', () => {
    expect(plan(app(), { businessType: 'voice_callback' })).toEqual({ refusal: 'business_type_fixed', path: 'businessType' });
  });

  it('when recording is on and the change turns it off, then it is refused as irreversible', () => {
    expect(plan(app({ recording: true }), { recording: false })).toEqual({ refusal: 'recording_irreversible', path: 'recording' });
    expect(plan(app(), { recording: true })).toEqual({ changes: { recording: true }, optOut: false });
  });

  it('when quality checks are turned on, then it is immediate and needs recording (now or in the same change)', () => {
    expect(plan(app(), { qualityCheck: true })).toEqual({ refusal: 'recording_required', path: 'qualityCheck' });
    expect(plan(app(), { recording: true, qualityCheck: true })).toEqual({ changes: { recording: true, qualityCheck: true }, optOut: false });
  });

  it('when quality checks are turned off, then it is an opt-out request, not a change; with other changes it is refused', () => {
    const on = app({ recording: true, qualityCheck: true });
    expect(plan(on, { qualityCheck: false })).toEqual({ changes: {}, optOut: true });
    expect(plan(on, { qualityCheck: false, recording: true, name: 'courier_app' })).toEqual({ changes: {}, optOut: true });
    expect(plan(on, { qualityCheck: false, name: 'renamed' })).toEqual({ refusal: 'opt_out_alone', path: 'qualityCheck' });
    expect(plan(app(), { qualityCheck: false })).toEqual({ changes: {}, optOut: false });
  });

  it('when names, status and callbacks change, then exactly those are listed', () => {
    expect(plan(app({ statusCallbackUrl: 'https://a.example.com/s' }), { name: 'Courier_App', status: 'disabled', statusCallbackUrl: null, cdrCallbackUrl: 'https://a.example.com/c' })).toEqual({
      changes: { name: 'Courier_App', status: 'disabled', statusCallbackUrl: null, cdrCallbackUrl: 'https://a.example.com/c' },
      optOut: false,
    });
  });
});
