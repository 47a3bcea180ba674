import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, notificationOutbox, reviewEvents, reviews, storedFiles } from '../../db/schema.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { editWav, mp3File, wavFile } from '../support/audio.js';
import { form } from '../support/files.js';
import { addContact, startTestApp, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;
let other: TestTenant;
let reviewer: BackOfficeSession;

beforeAll(async () => {
  app = await startTestApp();
  tenant = await app.addTenant();
  other = await app.addTenant();
  await addContact(app, tenant.tenant.id, { name: '周敏', email: 'zhou@example.com', mobile: '+8613500135000', language: 'zh-CN', subscriptions: ['audio_file'] });
  await addContact(app, tenant.tenant.id, { name: 'Alex', email: 'alex@example.com', mobile: '+8613500135001', language: 'en', subscriptions: ['audio_file'] });
  const member = await app.addStaff('reviewer');
  reviewer = new BackOfficeSession(app.url);
  await reviewer.login(member.email, member.password);
});

afterAll(async () => {
  await app?.stop();
});

interface AudioView {
  id: string;
  subjectId: string;
  audioFileId: string;
  status: string;
  formatCheck: string;
  fileUrl: string;
}

async function upload(content: Buffer, t: TestTenant = tenant, name = 'notice.wav'): Promise<AudioView> {
  const res = await app.api(t, 'POST', '/audio-files', form({ name: '取件提示', description: '快递到达时播放' }, { file: { name, content } }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as AudioView;
}

const read = async (id: string, lang = 'en') => (await app.api(tenant, 'GET', `/audio-files/${id}`, undefined, { 'accept-language': lang })).body;

/** The check has run: passed (a timeline event) or failed (an automatic rejection). */
async function checked(view: AudioView): Promise<string> {
  await expect.poll(async () => (await read(view.subjectId)).formatCheck, { timeout: 20_000 }).not.toBe('pending');
  const after = await read(view.subjectId);
  if (after.formatCheck === 'failed') await expect.poll(async () => (await read(view.subjectId)).status, { timeout: 20_000 }).toBe('rejected');
  else await expect.poll(async () => (await app.database.db.select().from(reviewEvents).where(and(eq(reviewEvents.reviewId, view.id), eq(reviewEvents.type, 'precheck_passed')))).length).toBe(1);
  return after.formatCheck as string;
}

describe('audio file intake and the automatic check', () => {
  it('when an 8 kHz mono 16-bit PCM WAV is uploaded, then it passes the check and waits for a reviewer, who hears it and approves it', async () => {
    const wav = wavFile({ seconds: 3 });
    const view = await upload(wav, tenant, '取件提示音.wav');
    expect(view).toMatchObject({ kind: 'audio_file', status: 'pending', round: 1, formatCheck: 'pending', name: '取件提示' });
    expect(view.subjectId).toMatch(/^AF[0-9A-Z]{16}$/);
    expect(view.audioFileId).toBe(view.subjectId);
    expect(await checked(view)).toBe('passed');
    const after = await read(view.subjectId);
    expect(after).toMatchObject({ status: 'pending', decision: null, format: { container: 'wav', encoding: 'pcm_16', sampleRate: 8000, channels: 1, durationSeconds: 3, sizeBytes: wav.length } });

    const queue = await reviewer.get('/queue?kind=audio_file');
    expect(queue.html).toContain(`/reviews/${view.id}`);
    const page = await reviewer.get(`/reviews/${view.id}`);
    expect(page.status).toBe(200);
    const fileId = /<audio controls preload="metadata" src="\/files\/([0-9a-f-]{36})"/.exec(page.html)?.[1];
    expect(fileId).toBeDefined();
    for (const fact of ['WAV (RIFF)', '16 位 PCM', '8000 Hz', '单声道', '3.0 秒']) expect(page.html).toContain(fact);
    // The file's name as the tenant's system wrote it (raw UTF-8 in the part's header), not read as Latin-1.
    expect(page.html).toContain('取件提示音.wav');
    expect(page.html).not.toContain('class="outside"');

    const decided = await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    expect(decided.status).toBe(200);
    expect((await read(view.subjectId)).status).toBe('approved');
    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, view.id));
    expect(notices.filter((n) => n.event === 'audio_file.approved')).toHaveLength(4);
  });

  it('when a 16 kHz mono A-law WAV is uploaded, then it passes the check', async () => {
    const view = await upload(wavFile({ encoding: 'alaw', sampleRate: 16000, seconds: 2 }));
    expect(await checked(view)).toBe('passed');
    expect((await read(view.subjectId)).format).toMatchObject({ encoding: 'alaw', sampleRate: 16000, channels: 1, durationSeconds: 2 });
  });

  it('when a 44.1 kHz stereo WAV is uploaded, then it is rejected automatically with audio_format and the measured values, worded in each reader’s language', async () => {
    const view = await upload(wavFile({ sampleRate: 44100, channels: 2, seconds: 1 }));
    expect(await checked(view)).toBe('failed');
    const en = await read(view.subjectId, 'en');
    expect(en.decision).toMatchObject({ outcome: 'rejected', reasonCode: 'audio_format', reasonText: '44100 Hz, stereo; allowed 8000/16000 Hz, mono' });
    const zh = await read(view.subjectId, 'zh-CN');
    expect(zh.decision.reasonText).toBe('44100 Hz，立体声；要求：8000/16000 Hz，单声道');
    expect((await app.api(tenant, 'GET', `/reviews/${view.id}`, undefined, { 'accept-language': 'zh-CN' })).body.decision.reasonText).toBe(zh.decision.reasonText);
    // Kept as the code and the measurements on the file, never as text in both languages.
    const [row] = await app.database.db.select().from(reviews).where(eq(reviews.id, view.id));
    expect(row!.decisionReasonText).toBeNull();

    const notices = await app.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.reviewId, view.id));
    const sms = Object.fromEntries(notices.filter((n) => n.channel === 'sms').map((n) => [n.language, n.body]));
    expect(sms['zh-CN']).toContain('音频格式不符合要求：44100 Hz，立体声；要求：8000/16000 Hz，单声道');
    expect(sms.en).toContain('The audio format does not meet the requirements: 44100 Hz, stereo; allowed 8000/16000 Hz, mono');
    expect(notices.map((n) => n.event)).toEqual(Array(4).fill('audio_file.rejected'));

    const audit = await app.database.db.select().from(auditLog).where(eq(auditLog.objectId, view.id));
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([['review.reject', 'system']]);
    const page = await reviewer.get(`/reviews/${view.id}`);
    expect(page.html).toContain('44100 Hz，立体声；要求：8000/16000 Hz，单声道');
    expect(page.html).toContain('class="outside"');
  });

  it.each([
    ['90 s long', () => wavFile({ seconds: 90 }), '90.0 s; allowed at most 60 s'],
    ['larger than 5 MB', () => Buffer.concat([wavFile({ seconds: 1 }), Buffer.alloc(6 * 1024 * 1024)]), '6 MB; allowed at most 5 MB'],
    ['cut short', () => wavFile({ seconds: 4 }).subarray(0, 20_000), 'the header says the file is 64,044 bytes long, but it is 20,000 bytes: the file is truncated or its header is wrong'],
    ['lying about its data size', () => editWav(wavFile({ seconds: 1 }), { dataSize: 500_000 }), 'the header says the audio data is 500,000 bytes, but only 16,000 bytes follow: the file is truncated or its header is wrong'],
    ['claiming zero channels', () => editWav(wavFile({ seconds: 1 }), { channels: 0 }), 'the header gives 0 channels'],
    ['claiming a 4 GB length', () => editWav(wavFile({ seconds: 1 }), { riffSize: 0xffffffff, dataSize: 0xffffffff - 36 }), 'the header says the file is 4,294,967,303 bytes long, but it is 16,044 bytes'],
  ])('when the WAV is %s, then it is rejected automatically with the reason', async (_what, make, reason) => {
    const view = await upload(make());
    expect(await checked(view)).toBe('failed');
    const after = await read(view.subjectId);
    expect(after.decision.reasonCode).toBe('audio_format');
    expect(after.decision.reasonText).toContain(reason);
  });

  it('when an MP3 is renamed .wav, then it is refused with 415 naming the file field and nothing is kept', async () => {
    const res = await app.api(tenant, 'POST', '/audio-files', form({ name: '改名文件' }, { file: { name: 'song.wav', content: mp3File(), type: 'audio/wav' } }));
    expect(res.status).toBe(415);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'file', message: expect.stringContaining('mp3') })]);
    expect(await fs.readdir(path.join(app.web.deps.files.root, 'staging'))).toEqual([]);
  });

  it('when the upload is larger than 50 MB, then it is refused with 413 naming the file field', async () => {
    const res = await app.api(tenant, 'POST', '/audio-files', form({ name: '超大文件' }, { file: { name: 'big.wav', content: Buffer.concat([wavFile(), Buffer.alloc(50 * 1024 * 1024)]) } }));
    expect(res.status).toBe(413);
    expect(res.body.error.details[0].path).toBe('file');
  });

  it('when the file or the name is missing, then 422 names each', async () => {
    const res = await app.api(tenant, 'POST', '/audio-files', form({ description: '没有名称' }));
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['file', 'name']);
  });
});

describe('audio file download and deletion', () => {
  it('when the tenant downloads its file, then it gets the bytes, a range gets 206 with Content-Range, and another tenant gets 404', async () => {
    const wav = wavFile({ seconds: 1 });
    const view = await upload(wav);
    const url = `${app.url}${view.fileUrl}`;
    expect(view.fileUrl).toBe(`/api/v1/audio-files/${view.subjectId}/file`);
    const whole = await fetch(url, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(wav)).toBe(true);

    const part = await fetch(url, { headers: { authorization: `Bearer ${tenant.apiKey}`, range: 'bytes=44-143' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 44-143/${wav.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(wav.subarray(44, 144))).toBe(true);

    const outside = await fetch(url, { headers: { authorization: `Bearer ${tenant.apiKey}`, range: `bytes=${wav.length + 10}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${wav.length}`);

    expect((await fetch(url, { headers: { authorization: `Bearer ${other.apiKey}` } })).status).toBe(404);
    expect((await app.api(other, 'GET', `/audio-files/${view.subjectId}`)).status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
  });

  it('when staff play the file, then /files/{id} answers ranges with 206 and Content-Range, and needs a login', async () => {
    const wav = wavFile({ seconds: 2 });
    const view = await upload(wav);
    const [file] = await app.database.db.select().from(storedFiles).where(eq(storedFiles.subjectId, view.subjectId));
    const url = `${app.url}/files/${file!.id}`;
    const part = await fetch(url, { headers: { cookie: reviewer.cookieHeader(), range: 'bytes=0-1023' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('audio/wav');
    expect(part.headers.get('content-range')).toBe(`bytes 0-1023/${wav.length}`);
    expect((await part.arrayBuffer()).byteLength).toBe(1024);
    const tail = await fetch(url, { headers: { cookie: reviewer.cookieHeader(), range: 'bytes=-100' } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${wav.length - 100}-${wav.length - 1}/${wav.length}`);
    expect((await fetch(url, { headers: { range: 'bytes=0-10' }, redirect: 'manual' })).status).toBe(303);
  });

  it('when the tenant deletes a pending audio file, then the review is withdrawn and the file is gone for the tenant', async () => {
    const view = await upload(wavFile({ seconds: 1 }));
    await checked(view);
    const del = await app.api(tenant, 'DELETE', `/audio-files/${view.subjectId}`);
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('withdrawn');
    expect((await app.api(tenant, 'GET', `/audio-files/${view.subjectId}`)).status).toBe(404);
    expect((await fetch(`${app.url}${view.fileUrl}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } })).status).toBe(404);
    expect((await app.api(tenant, 'DELETE', `/audio-files/${view.subjectId}`)).status).toBe(404);
    expect((await app.api(tenant, 'GET', `/reviews/${view.id}`)).body.status).toBe('withdrawn');
  });

  it('when the tenant deletes an approved audio file, then it is gone for the tenant and the review keeps its decision', async () => {
    const view = await upload(wavFile({ seconds: 1 }));
    await checked(view);
    await decideInBackOffice(reviewer, view.id, { outcome: 'approved' });
    const del = await app.api(other, 'DELETE', `/audio-files/${view.subjectId}`);
    expect(del.status).toBe(404);
    expect((await app.api(tenant, 'DELETE', `/audio-files/${view.subjectId}`)).status).toBe(200);
    expect((await app.api(tenant, 'GET', `/reviews/${view.id}`)).body.status).toBe('approved');
    expect((await app.api(tenant, 'GET', `/audio-files/${view.subjectId}`)).status).toBe(404);
  });
});
