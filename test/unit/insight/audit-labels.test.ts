import { describe, expect, it } from 'vitest';
import { actionLabel, detailItems, detailsText, objectHref, objectTypeLabel } from '../../../server/insight/labels.js';
import { localIso } from '../../../server/insight/time.js';
import { formatDay } from '../../../i18n/format.js';

describe('audit wording', () => {
  it('when an action is worded, then its label is given in each language; an unworded one keeps its code beside a generic label', () => {
    expect(actionLabel('review.approve', 'zh-CN')).toEqual({ text: '审核通过' });
    expect(actionLabel('freezeVoiceCallService', 'en')).toEqual({ text: 'Voice service frozen' });
    expect(actionLabel('reason.retire', 'en')).toEqual({ text: 'Unlisted action', unknownCode: 'reason.retire' });
    expect(objectTypeLabel('deadline_rule', 'zh-CN')).toEqual({ text: '时限规则' });
    expect(objectTypeLabel('widget', 'zh-CN')).toEqual({ text: '未登记的对象类型', unknownCode: 'widget' });
  });

  it('when details hold codes, times and nested changes, then they read as labelled values in the reader’s language', () => {
    const items = detailItems(
      { kind: 'voice_template', round: 2, reasonCode: 'content_unclear', businessType: 'voice_callback', from: 'active', to: 'frozen', lockedUntil: '2026-11-25T19:15:00.000Z', answered: true, before: { opens: '09:00' }, channels: ['email', 'sms'], mystery: 'x' },
      'en',
    );
    const byKey = Object.fromEntries(items.map((i) => [i.key, i]));
    expect(byKey.kind).toMatchObject({ label: 'Kind', value: 'Voice template' });
    expect(byKey.round).toMatchObject({ label: 'Round', value: '2' });
    expect(byKey.reasonCode).toMatchObject({ label: 'Reason', value: 'The template content is unclear' });
    expect(byKey.businessType!.value).toBe('Voice callback');
    expect(byKey.from!.value).toMatch(/active/i);
    expect(byKey.to!.value).toMatch(/frozen/i);
    expect(byKey.lockedUntil!.value).toBe('26 Nov 2026, 03:15');
    expect(byKey.answered!.value).toBe('Yes');
    expect(byKey.before!.items).toEqual([{ key: 'opens', label: 'Opens', value: '09:00', long: false }]);
    expect(detailItems({ after: { type: 'end_of_working_day', days: 2 } }, 'zh-CN')[0]!.items).toEqual([
      { key: 'type', label: '规则', value: '第 N 个工作日下班前', long: false },
      { key: 'days', label: '工作日', value: '2', long: false },
    ]);
    expect(detailItems({ reasonCode: 'no_such_reason', kind: 'voice_template' }, 'en')[0]!.value).toBe('no_such_reason');
    expect(byKey.channels!.value).toBe('Email, SMS');
    expect(byKey.mystery).toMatchObject({ label: null, value: 'x' });
  });

  it('when a writer left a secret or an ID number in details, then it is hidden, never shown', () => {
    const items = detailItems({ handlerIdNumber: '110101199003071234', password: 'hunter2', note: 'ID 11010119900307123X given', apiKey: 'vrd_x' }, 'zh-CN');
    const text = JSON.stringify(items);
    expect(text).not.toContain('110101199003071234');
    expect(text).not.toContain('11010119900307123X');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('vrd_x');
    expect(items.find((i) => i.key === 'note')!.value).toBe('ID （已隐藏） given');
    expect(detailsText({ password: 'hunter2', round: 1 }, 'en')).toBe('password: (hidden); Round: 1');
  });

  it('when an object has a page, then it links there; other objects do not link', () => {
    const id = '0b6c3f5e-8a0e-4d47-9d3e-3f1f0c9b2a11';
    expect(objectHref('review', id)).toBe(`/reviews/${id}`);
    expect(objectHref('tenant_service', `${id}:voice_callback`)).toBe(`/tenants/${id}`);
    expect(objectHref('review', 'javascript:alert(1)')).toBeNull();
    expect(objectHref('calendar', 'default')).toBeNull();
  });

  it('when an instant is exported, then it is written in Beijing time with its offset', () => {
    expect(localIso(new Date('2026-11-25T19:15:42.500Z'), 'Asia/Shanghai')).toBe('2026-11-26T03:15:42+08:00');
    expect(localIso(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
  });

  it('when a calendar day is shown, then it has one format per language, matching the times beside it, whatever the server’s zone', () => {
    expect(formatDay('2025-03-05', 'zh-CN')).toBe('2025年3月5日');
    expect(formatDay('2025-03-05', 'en')).toBe('5 Mar 2025');
    expect(formatDay('2025-12-31', 'zh-CN', { year: false })).toBe('12月31日');
    expect(formatDay('2025-01-01', 'en', { year: false })).toBe('1 Jan');
  });
});
