import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { wavFile } from '../support/audio.js';
import { form } from '../support/files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('audio player on the review page', () => {
  it('when a reviewer opens an audio file’s review, then the browser’s player loads the recording through the signed-in file route', async () => {
    const tenant = await app.addTenant();
    const submitted = await app.api(tenant, 'POST', '/audio-files', form({ name: '浏览器试听' }, { file: { name: 'tone.wav', content: wavFile({ seconds: 4, sampleRate: 16000 }) } }));
    expect(submitted.status).toBe(201);
    await expect.poll(async () => (await app.api(tenant, 'GET', `/audio-files/${submitted.body.subjectId}`)).body.formatCheck, { timeout: 20_000 }).toBe('passed');
    const reviewer = await app.addStaff('reviewer');

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The browser's own favicon request is no part of the page.
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${app.url}/login`);
    await page.fill('input[name=email]', reviewer.email);
    await page.fill('input[name=password]', reviewer.password);
    await page.click('button[type=submit].primary');
    await page.waitForURL(/\/queue/);
    await page.goto(`${app.url}/reviews/${submitted.body.id}`);

    const duration = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const audio = document.querySelector<HTMLAudioElement>('#audio-player');
          if (!audio) return reject(new Error('no player'));
          if (audio.readyState >= 1) return resolve(audio.duration);
          audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
          audio.addEventListener('error', () => reject(new Error(`player error ${audio.error?.code}`)));
        }),
    );
    expect(duration).toBeCloseTo(4, 1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
