import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/temporal/net.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';

let app: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  app = await startTestApp({ temporalMetricsAddress: `127.0.0.1:${await freePort()}` });
  tenant = await app.addTenant();
});

afterAll(async () => {
  await app?.stop();
});

describe('metrics for a monitoring stack', () => {
  it('when scraped from loopback, then request latencies, queue depth per kind and deadline state, outbox backlog and the SDK’s workflow task latency are there', async () => {
    const submitted = await app.api(tenant, 'POST', '/voice-templates', validTemplate());
    expect(submitted.status).toBe(201);
    await expect
      .poll(async () => (await (await fetch(`${app.url}/metrics`)).text()).includes('workflow_task_execution_latency'), { timeout: 20_000, interval: 500 })
      .toBe(true);
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/vrd_http_requests_total\{method="POST",route="\/api\/v1\/voice-templates",status="2xx"\} 1/);
    expect(text).toMatch(/vrd_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/api\/v1\/voice-templates",status="2xx"\}/);
    expect(text).toMatch(/vrd_reviews_open\{kind="voice_template",sla="on_track"\} 1/);
    expect(text).toContain('vrd_outbox_backlog');
    expect(text).not.toMatch(/route="\/api\/v1\/reviews\/[0-9a-f-]{36}"/);
  });
});
