import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../notifications/errors.js';
import { parseStatusReport } from '../../../notifications/sms.js';

describe('parseStatusReport', () => {
  it('when the report says DELIVRD, then it is delivered with no reason', () => {
    const body = new URLSearchParams('smsMsgId=abc_123&total=1&sequence=1&status=DELIVRD&source=2&updateTime=2026-05-06T07%3A08%3A09Z&orgCode=000000&to=%2B8613800138000&extend=outbox-9');
    expect(parseStatusReport(body)).toEqual({
      providerMessageId: 'abc_123',
      delivered: true,
      status: 'DELIVRD',
      reason: null,
      to: '+8613800138000',
      updatedAt: new Date('2026-05-06T07:08:09Z'),
      requestId: 'outbox-9',
      orgCode: '000000',
    });
  });

  it('when the report is a failure status, then it is not delivered and the reason names the status and carrier code', () => {
    const r = parseStatusReport({ smsMsgId: 'abc_124', status: 'UNDELIV', orgCode: 'MK:0001', updateTime: '2026-05-06T07:08:09Z', to: '+8613800138000' });
    expect(r.delivered).toBe(false);
    expect(r.status).toBe('UNDELIV');
    expect(r.reason).toBe('UNDELIV (undeliverable), carrier code MK:0001');
    expect(r.requestId).toBeNull();
  });

  it('when the failure status is unknown to us, then the reason is the status itself', () => {
    expect(parseStatusReport({ smsMsgId: 'x', status: 'E200028' }).reason).toBe('E200028');
  });

  it('when smsMsgId or status is missing or blank, then it throws a permanent invalid-report error', () => {
    const bodies: (URLSearchParams | Record<string, string>)[] = [{ status: 'DELIVRD' }, { smsMsgId: 'x' }, { smsMsgId: ' ', status: 'DELIVRD' }, new URLSearchParams('foo=bar')];
    for (const body of bodies) {
      let caught: unknown;
      try {
        parseStatusReport(body);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DeliveryError);
      expect(caught).toMatchObject({ code: 'sms_invalid_report', retryable: false });
    }
  });

  it('when updateTime is not a time, then updatedAt is null rather than an invalid date', () => {
    expect(parseStatusReport({ smsMsgId: 'x', status: 'DELIVRD', updateTime: 'yesterday' }).updatedAt).toBeNull();
  });

  it('when the record has inherited keys only, then they are not read as fields', () => {
    const body = Object.create({ smsMsgId: 'proto', status: 'DELIVRD' }) as Record<string, string>;
    expect(() => parseStatusReport(body)).toThrow(DeliveryError);
  });
});
