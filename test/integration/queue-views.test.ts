import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackOfficeSession } from '../support/back-office.js';
import { validActivation } from '../support/kinds.js';
import { interleavedTemplates, startTestApp, submitTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let north: TestTenant;
let south: TestTenant;
/** North's templates, in the order they were submitted. */
let northIds: string[] = [];


async function signedIn(role: 'reviewer' | 'supervisor' | 'auditor' = 'reviewer'): Promise<BackOfficeSession> {
  const member = await app.addStaff(role);
  const session = new BackOfficeSession(app.url);
  await session.login(member.email, member.password);
  // A page after signing in: the form token is bound to the session, not to the sign-in.
  await session.get('/queue');
  return session;
}

const rowIds = (html: string) => [...html.matchAll(/<tr id="r-([0-9a-f-]{36})"/g)].map((m) => m[1]);
/** Page text with the escapes Handlebars writes into attributes undone, so URLs read as sent. */
const decode = (html: string) => html.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
const backLink = (html: string) => /<a href="([^"]*)" data-key-back>/.exec(decode(html))?.[1];

beforeAll(async () => {
  app = await startTestApp();
  north = await app.addTenant('北方视图租户');
  south = await app.addTenant('南方视图租户');
  northIds = await interleavedTemplates(app, north, south, 4);
  const activation = await app.api(north, 'POST', '/service-activations', validActivation());
  expect(activation.status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

describe('the view a review was opened from', () => {
  const view = () => `/queue?kind=voice_template&tenant=${north.tenant.id}&sort=submitted`;

  it('when a filtered queue lists reviews, then every row links to its review with that view', async () => {
    const reviewer = await signedIn();
    const page = await reviewer.get(view());
    expect(rowIds(page.html)).toEqual(northIds);
    const links = [...decode(page.html).matchAll(/<a href="(\/reviews\/[^"]+)" class="title">/g)].map((m) => m[1]);
    expect(links).toEqual(northIds.map((id) => `/reviews/${id}?from=${encodeURIComponent(view())}`));
  });

  it('when next is asked from a review, then it opens the one after it in the view’s order, never another tenant’s or kind, and wraps to the top at the end', async () => {
    const reviewer = await signedIn();
    const from = encodeURIComponent(view());
    const walked: string[] = [];
    let current = northIds[0]!;
    for (let i = 0; i < 4; i++) {
      const next = await reviewer.get(`/reviews/next?from=${from}&after=${current}`);
      expect(next.status).toBe(303);
      const location = next.headers.get('location')!;
      expect(location).toMatch(new RegExp(`^/reviews/[0-9a-f-]{36}\\?from=${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      current = /\/reviews\/([0-9a-f-]{36})/.exec(location)![1]!;
      walked.push(current);
    }
    expect(walked).toEqual([northIds[1], northIds[2], northIds[3], northIds[0]]);
  });

  it('when the view is sorted descending, then next walks it backwards', async () => {
    const reviewer = await signedIn();
    const from = encodeURIComponent(`${view()}&dir=desc`);
    const next = await reviewer.get(`/reviews/next?from=${from}&after=${northIds[2]}`);
    expect(next.headers.get('location')).toBe(`/reviews/${northIds[1]}?from=${from}`);
  });

  it('when back is taken from a review, then it leads to the view at that review’s row', async () => {
    const reviewer = await signedIn();
    const page = await reviewer.get(`/reviews/${northIds[2]}?from=${encodeURIComponent(view())}`);
    expect(backLink(page.html)).toBe(`${view()}#r-${northIds[2]}`);
    expect(decode(page.html)).toContain(`href="/reviews/next?from=${encodeURIComponent(view())}&after=${northIds[2]}"`);
  });

  it('when a review is decided, then the page keeps the view, and next carries on after it though it left the view', async () => {
    const reviewer = await signedIn();
    const target = northIds[1]!;
    const page = await reviewer.get(`/reviews/${target}?from=${encodeURIComponent(view())}`);
    const round = /name="round" value="(\d+)"/.exec(page.html)![1]!;
    const token = /name="token" value="([^"]+)"/.exec(page.html)![1]!;
    const decided = await reviewer.post(`/reviews/${target}/decision`, { round, token, outcome: 'approved', from: view() });
    expect(decided.status).toBe(303);
    // What was done travels in the flash; the address keeps only the view.
    expect(decided.headers.get('location')).toBe(`/reviews/${target}?from=${encodeURIComponent(view())}`);
    const after = await reviewer.get(decided.headers.get('location')!);
    expect(backLink(after.html)).toBe(`${view()}#r-${target}`);
    expect(after.html).toMatch(/id="flash"[^>]*>[\s\S]*?已通过/);
    expect((await reviewer.get(decided.headers.get('location')!)).html).not.toContain('id="flash"');
    const next = await reviewer.get(`/reviews/next?from=${encodeURIComponent(view())}&after=${target}`);
    expect(next.headers.get('location')).toContain(`/reviews/${northIds[2]}?`);
    const queue = await reviewer.get(view());
    expect(rowIds(queue.html)).toEqual([northIds[0], northIds[2], northIds[3]]);
  });

  it('when the view names something that is not our queue, then it is dropped: never another site, unknown filters ignored', async () => {
    const reviewer = await signedIn();
    for (const from of ['https://evil.example/queue', '//evil.example/queue', '/queue/../logout', '/queuex?kind=audio_file', 'javascript:alert(1)']) {
      const page = await reviewer.get(`/reviews/${northIds[0]}?from=${encodeURIComponent(from)}`);
      expect(backLink(page.html)).toBe(`/queue#r-${northIds[0]}`);
      const next = await reviewer.get(`/reviews/next?from=${encodeURIComponent(from)}&after=${northIds[0]}`);
      expect(next.headers.get('location')).toMatch(/^\/(reviews|queue)/);
      expect(next.headers.get('location')).not.toContain('evil');
    }
    const odd = await reviewer.get(`/reviews/${northIds[0]}?from=${encodeURIComponent(`/queue?kind=no_such_kind&tenant=${north.tenant.id}&colour=red&sort=sideways`)}`);
    expect(backLink(odd.html)).toBe(`/queue?tenant=${north.tenant.id}#r-${northIds[0]}`);
  });

  it('when nothing more in the view can be worked on, then next returns to the view and says so', async () => {
    const reviewer = await signedIn();
    const only = `/queue?kind=service_activation&tenant=${north.tenant.id}`;
    const [id] = rowIds((await reviewer.get(only)).html);
    const next = await reviewer.get(`/reviews/next?from=${encodeURIComponent(only)}&after=${id}`);
    expect(next.headers.get('location')).toBe(`${only}&empty=1`);
    const queue = await reviewer.get(next.headers.get('location')!);
    expect(queue.html).toContain('这个视图中没有下一条可处理的审核了。');
  });

  it('when the review is further down than the first page, then back asks the queue for enough rows to show it', async () => {
    const far = await app.addTenant('远处视图租户');
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) ids.push(await submitTemplate(app, far, `远处模板${i}`));
    const reviewer = await signedIn();
    const farView = `/queue?tenant=${far.tenant.id}&sort=submitted`;
    const page = await reviewer.get(`/reviews/${ids[51]}?from=${encodeURIComponent(farView)}`);
    const back = backLink(page.html)!;
    expect(back).toBe(`${farView}&shown=52#r-${ids[51]}`);
    const queue = await reviewer.get(back.split('#')[0]!);
    expect(rowIds(queue.html)).toContain(ids[51]);
    expect((await reviewer.get(farView)).html).not.toContain(`id="r-${ids[51]}"`);
  });
});

describe('sorting by a column', () => {
  it('when a column header is followed, then the queue is sorted by it, aria-sort says which way, and following it again turns it around', async () => {
    const reviewer = await signedIn();
    const base = `/queue?kind=voice_template&tenant=${north.tenant.id}`;
    const plain = decode((await reviewer.get(base)).html);
    expect(plain).toMatch(/<th aria-sort="ascending"><a href="[^"]*"[^>]*>截止时间/);
    expect(plain).toMatch(/<th aria-sort="none"><a href="[^"]*sort=submitted"[^>]*>提交时间/);
    const submitted = decode((await reviewer.get(`${base}&sort=submitted`)).html);
    expect(submitted).toMatch(/<th aria-sort="ascending"><a href="[^"]*sort=submitted&dir=desc"[^>]*>提交时间/);
    const open = rowIds(submitted);
    const reversed = decode((await reviewer.get(`${base}&sort=submitted&dir=desc`)).html);
    expect(reversed).toMatch(/<th aria-sort="descending"><a href="[^"]*sort=submitted"[^>]*>提交时间/);
    expect(rowIds(reversed)).toEqual([...open].reverse());
  });

  it('when a descending queue is paged, then the next page carries on in that direction', async () => {
    const reviewer = await signedIn();
    const all = rowIds((await reviewer.get('/queue?sort=submitted&dir=desc&shown=500')).html);
    expect(all.length).toBeGreaterThan(50);
    const first = await reviewer.get('/queue?sort=submitted&dir=desc');
    const more = /<tr class="more"><td colspan="8"><a href="([^"]+)"/.exec(decode(first.html))![1]!;
    const second = await reviewer.get(more, { 'HX-Request': 'true' });
    expect([...rowIds(first.html), ...rowIds(second.html)]).toEqual(all.slice(0, rowIds(first.html).length + rowIds(second.html).length));
  });
});

describe('named views', () => {
  const view = () => `/queue?kind=voice_template&tenant=${north.tenant.id}&sort=submitted&dir=desc`;

  it('when a reviewer saves the queue under a name, then it is a tab with its count, for them only, and its link opens the same queue for anyone', async () => {
    const reviewer = await signedIn();
    const saved = await reviewer.post('/queue/views', { name: '北方模板', from: `${view()}&cursor=abc&colour=red` });
    expect(saved.status).toBe(303);
    const location = saved.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${view().replace(/[?]/g, '\\?')}&saved=[0-9a-f-]{36}$`));
    const queue = await reviewer.get(location);
    expect(queue.html).toContain('视图“北方模板”已保存');
    const tab = /<a href="([^"]+)" class="saved-view" data-view-id="[^"]+" aria-current="page">北方模板 <span class="count">(\d+)<\/span><\/a>/.exec(decode(queue.html));
    expect(tab?.[1]).toBe(view());
    expect(Number(tab?.[2])).toBe(rowIds((await reviewer.get(view())).html).length);
    expect(rowIds(queue.html)).toEqual(rowIds((await reviewer.get(view())).html));

    const colleague = await signedIn('auditor');
    expect((await colleague.get('/queue')).html).not.toContain('北方模板 <span');
    expect(rowIds((await colleague.get(view())).html)).toEqual(rowIds(queue.html));

    const list = await reviewer.get('/queue/views');
    expect(list.html).toContain('北方模板');
    expect(decode(list.html)).toContain(`value="${app.url}${view()}"`);
  });

  it('when a view is saved without a name, then the views page says so beside the field and keeps the filters', async () => {
    const reviewer = await signedIn();
    const refused = await reviewer.post('/queue/views', { name: '   ', from: view() });
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/<span class="field-error" id="view-name-error">[^<]+<\/span>/);
    expect(decode(refused.html)).toContain(`name="from" value="${view()}"`);
  });

  it('when a view is deleted, then a page asks first, and only its owner can', async () => {
    const reviewer = await signedIn();
    const saved = await reviewer.post('/queue/views', { name: '要删除的视图', from: '/queue?sla=breached' });
    const id = /saved=([0-9a-f-]{36})/.exec(saved.headers.get('location')!)![1]!;
    const other = await signedIn();
    expect((await other.get(`/queue/views/${id}/delete`)).status).toBe(404);
    expect((await other.post(`/queue/views/${id}/delete`, {})).status).toBe(404);

    const ask = await reviewer.get(`/queue/views/${id}/delete`);
    expect(ask.status).toBe(200);
    expect(ask.html).toContain('确定删除视图“要删除的视图”吗？');
    const gone = await reviewer.post(`/queue/views/${id}/delete`, {});
    expect(gone.status).toBe(303);
    expect(gone.headers.get('location')).toBe('/queue/views');
    const list = await reviewer.get('/queue/views');
    expect(list.html).toMatch(/id="flash"[^>]*>[\s\S]*?视图已删除。/);
    // Said once: a reload shows the list alone.
    expect((await reviewer.get('/queue/views')).html).not.toContain('视图已删除。');
    expect(list.html).not.toContain('要删除的视图');
  });

  it('when a person has twenty views, then a twenty-first is refused beside the name, and saving under a name they have still works', async () => {
    const reviewer = await signedIn();
    for (let i = 0; i < 20; i++) expect((await reviewer.post('/queue/views', { name: `视图${i}`, from: `/queue?q=${i}` })).status).toBe(303);
    const refused = await reviewer.post('/queue/views', { name: '第二十一个', from: '/queue' });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('每人最多保存 20 个视图');
    expect(refused.html).toContain('value="第二十一个"');
    const again = await reviewer.post('/queue/views', { name: '视图3', from: '/queue?sla=at_risk' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toMatch(/^\/queue\?sla=at_risk&saved=/);
  });
});

describe('the review beside the queue', () => {
  const view = () => `/queue?kind=voice_template&tenant=${north.tenant.id}&sort=submitted`;
  const htmx = { 'HX-Request': 'true' };

  it('when a review is asked for beside the queue, then only the pane comes, with its decision forms marked for the pane; without htmx it is the whole page', async () => {
    const reviewer = await signedIn();
    const queue = decode((await reviewer.get(view())).html);
    expect(queue).toContain(`hx-get="/reviews/${northIds[0]}?from=${encodeURIComponent(view())}&pane=1" hx-target="#review-pane"`);
    const pane = await reviewer.get(`/reviews/${northIds[0]}?from=${encodeURIComponent(view())}&pane=1`, htmx);
    expect(pane.status).toBe(200);
    expect(pane.html.trimStart()).toMatch(/^<section id="review-pane" class="review-pane open"/);
    expect(pane.html).not.toContain('<html');
    expect(pane.html).toContain('name="pane" value="1"');
    expect(pane.html).toContain('id="approve"');
    const page = await reviewer.get(`/reviews/${northIds[0]}?from=${encodeURIComponent(view())}&pane=1`);
    expect(page.html).toContain('<html');
    expect(page.html).not.toContain('name="pane" value="1"');
  });

  it('when a review is decided beside the queue, then the pane moves on to the next review of the view and the queue is told to refresh', async () => {
    const reviewer = await signedIn();
    const target = northIds[2]!;
    const pane = await reviewer.get(`/reviews/${target}?from=${encodeURIComponent(view())}&pane=1`, htmx);
    const round = /name="round" value="(\d+)"/.exec(pane.html)![1]!;
    const token = /name="token" value="([^"]+)"/.exec(pane.html)![1]!;
    const decided = await reviewer.post(`/reviews/${target}/decision`, { round, token, outcome: 'approved', from: view(), pane: '1' }, htmx);
    expect(decided.status).toBe(200);
    expect(decided.headers.get('hx-retarget')).toBe('#review-pane');
    expect(decided.headers.get('hx-reswap')).toBe('outerHTML');
    expect(decided.headers.get('hx-trigger')).toBe('queue-changed');
    expect(decided.html).toContain(`data-review-id="${northIds[3]}"`);
    expect(decided.html).toContain('已打开这个视图的下一条。');
    expect(rowIds((await reviewer.get(view())).html)).not.toContain(target);
  });

  it('when next beside the queue finds nothing more, then the pane says so instead of loading the queue into itself', async () => {
    const reviewer = await signedIn();
    const only = `/queue?kind=service_activation&tenant=${north.tenant.id}`;
    const [id] = rowIds((await reviewer.get(only)).html);
    const next = await reviewer.get(`/reviews/next?from=${encodeURIComponent(only)}&after=${id}&pane=1`, htmx);
    expect(next.status).toBe(200);
    expect(next.html).toContain('id="review-pane"');
    expect(next.html).toContain('这个视图中没有下一条可处理的审核了。');
    expect(next.html).not.toContain('id="queue-rows"');
    const found = await reviewer.get(`/reviews/next?from=${encodeURIComponent(view())}&after=${northIds[0]}&pane=1`, htmx);
    expect(found.headers.get('location')).toMatch(/&pane=1$/);
  });
});
