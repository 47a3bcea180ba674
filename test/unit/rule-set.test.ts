import { describe, expect, it } from 'vitest';
import { chooseAssignee } from '../../domain/assignment.js';
import { bannedPhrasesIn, checkTemplate } from '../../domain/checks.js';
import { storedBilingualReason, templateViolationWording } from '../../i18n/reason-text.js';
import { planDeadline } from '../../domain/deadline-plan.js';
import { changesDeadlines, defaultRuleSet, diffRuleSets, keepRetiredReasons, parseRuleSet, RuleSetError } from '../../domain/rule-set.js';
import { createCalendar } from '../../domain/working-time.js';
import { defaultCalendarSpec } from '../../domain/holidays-cn.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuleSetError) return { field: err.field, reason: err.reason };
    throw err;
  }
  throw new Error('not refused');
};

describe('rule sets', () => {
  it('when a kind has no saved version, then its defaults come from its definition', () => {
    const vt = defaultRuleSet('voice_template');
    expect(vt.deadlines).toEqual({ review: { type: 'working_minutes', minutes: 540 } });
    expect(vt.atRiskShare).toBe(0.75);
    expect(vt.checks.template).toEqual({ bannedPhrases: [], maxVariables: 10, maxLength: 500 });
    expect(vt.reasons.map((r) => r.code)).toContain('banned_words');
    expect(defaultRuleSet('number_order').deadlines.fulfilment).toEqual({ type: 'end_of_working_day', days: 10 });
    expect(defaultRuleSet('enterprise_qualification').checks.files?.license).toEqual({ types: ['jpg'], maxBytes: 2 * 1024 * 1024 });
    expect(defaultRuleSet('audio_file').checks.audio?.sampleRates).toEqual([8000, 16000]);
  });

  it('when a stored version lacks a section, then the section takes its default; a present one is checked whole', () => {
    const partial = parseRuleSet('voice_template', { deadlines: { review: { type: 'end_of_working_day', days: 1 } } });
    expect(partial.deadlines.review).toEqual({ type: 'end_of_working_day', days: 1 });
    expect(partial.reminders.maxPerRound).toBe(3);
    expect(refusal(() => parseRuleSet('voice_template', { deadlines: { review: { type: 'working_minutes', minutes: -1 } } }))).toMatchObject({ field: 'deadlines.review.minutes' });
    expect(refusal(() => parseRuleSet('voice_template', { atRiskShare: 1.5 }))).toMatchObject({ field: 'atRiskShare' });
    expect(refusal(() => parseRuleSet('voice_template', { reminders: { ...partial.reminders, coolDownMinutes: 'x' } }))).toMatchObject({ field: 'reminders.coolDownMinutes' });
    expect(refusal(() => parseRuleSet('voice_template', { assignment: 'lottery' }))).toMatchObject({ field: 'assignment' });
    expect(refusal(() => parseRuleSet('audio_file', { checks: { audio: { ...partial, encodings: ['mp3'] } } }))).toMatchObject({ field: 'checks.audio.encodings.0' });
    expect(refusal(() => parseRuleSet('enterprise_qualification', { checks: { files: { license: { types: [], maxBytes: 2048 } } } }))).toMatchObject({ field: 'checks.files.license.types' });
  });

  it('when the reason catalogue is edited, then codes are checked, "other" stays active and dropped reasons come back retired', () => {
    const base = defaultRuleSet('voice_template');
    const twice = [...base.reasons, { ...base.reasons[0]! }];
    expect(refusal(() => parseRuleSet('voice_template', { reasons: twice }))).toMatchObject({ field: `reasons.${twice.length - 1}.code` });
    const noOther = base.reasons.map((r) => (r.code === 'other' ? { ...r, active: false } : r));
    expect(refusal(() => parseRuleSet('voice_template', { reasons: noOther }))).toMatchObject({ field: expect.stringMatching(/^reasons\.\d+\.active$/) });
    expect(refusal(() => parseRuleSet('voice_template', { reasons: [{ ...base.reasons[0]!, tenant: { 'zh-CN': '', en: 'x' } }, base.reasons.at(-1)] }))).toMatchObject({ field: 'reasons.0.tenant.zh-CN' });

    const fewer = { ...base, reasons: base.reasons.filter((r) => r.code !== 'content_unclear') };
    const kept = keepRetiredReasons(fewer, base);
    expect(kept.reasons.find((r) => r.code === 'content_unclear')).toMatchObject({ active: false });
  });

  it('when two rule sets differ, then the diff names each changed field with both values, reasons by code', () => {
    const a = defaultRuleSet('voice_template');
    const b = structuredClone(a);
    b.deadlines.review = { type: 'working_minutes', minutes: 60 };
    b.reasons[0]!.active = false;
    b.checks.template!.bannedPhrases = ['免费'];
    expect(diffRuleSets(a, b)).toEqual([
      { path: 'deadlines.review', before: 'working_minutes 540', after: 'working_minutes 60' },
      { path: 'checks.template.bannedPhrases', before: '', after: '免费' },
      { path: `reasons[${a.reasons[0]!.code}].active`, before: 'true', after: 'false' },
    ]);
    expect(changesDeadlines(a, b)).toBe(true);
    const c = structuredClone(a);
    c.reminders.maxPerRound = 9;
    expect(changesDeadlines(a, c)).toBe(false);
    c.reminders.answerWithin = { type: 'working_minutes', minutes: 60 };
    expect(changesDeadlines(a, c)).toBe(true);
  });
});

describe('template checks', () => {
  it('when content holds a banned phrase spaced, in full-width or in another case, then it is found and named in both languages', () => {
    expect(bannedPhrasesIn('限时 免 费领取', ['免费'])).toEqual(['免费']);
    expect(bannedPhrasesIn('Get a ＦＲＥＥ gift', ['free gift'])).toEqual(['free gift']);
    expect(bannedPhrasesIn('请取快递', ['免费'])).toEqual([]);
    const v = checkTemplate('免费送', 0, { bannedPhrases: ['免费'], maxVariables: 10, maxLength: 500 });
    expect(v).toEqual({ code: 'banned_words', words: ['免费'] });
    expect(templateViolationWording(v!, 'zh-CN')).toBe('包含禁用词：“免费”');
    expect(templateViolationWording(v!, 'en')).toBe('Contains banned words: “免费”');
  });

  it('when content is too long or uses too many variables, then the limits are named with the measured values', () => {
    const v = checkTemplate('x'.repeat(30), 3, { bannedPhrases: [], maxVariables: 2, maxLength: 20 });
    expect(v).toEqual({ code: 'template_limits', length: { actual: 30, max: 20 }, variables: { actual: 3, max: 2 } });
    expect(templateViolationWording(v!, 'zh-CN')).toBe('内容30字，超过上限20字；使用3个变量，超过上限2个');
    expect(templateViolationWording(v!, 'en')).toBe('The content has 30 characters, more than the 20 allowed; it uses 3 variables, more than the 2 allowed');
    expect(checkTemplate('ok', 1, { bannedPhrases: [], maxVariables: 2, maxLength: 20 })).toBeNull();
  });

  it('when a reason was stored in both languages at once, then each reader gets their half, and other text is left alone', () => {
    expect(storedBilingualReason('包含禁用词：“免费” / Contains banned words: “免费”')).toEqual({ 'zh-CN': '包含禁用词：“免费”', en: 'Contains banned words: “免费”' });
    expect(storedBilingualReason('采样率 44100 Hz；要求：8000/16000 Hz / 44100 Hz; allowed 8000/16000 Hz')).toEqual({ 'zh-CN': '采样率 44100 Hz；要求：8000/16000 Hz', en: '44100 Hz; allowed 8000/16000 Hz' });
    expect(storedBilingualReason('描述不清 / 请补充')).toBeUndefined();
    expect(storedBilingualReason('unclear / vague')).toBeUndefined();
    expect(storedBilingualReason(null)).toBeUndefined();
  });
});

describe('auto-assignment', () => {
  const c = (id: string, load = 0) => ({ id, load });

  it('when assigning round robin, then candidates take turns in a stable order, wrapping around', () => {
    const people = [c('b'), c('a'), c('c')];
    const picks: string[] = [];
    let last: string | null = null;
    for (let i = 0; i < 30; i += 1) picks.push((last = chooseAssignee('round_robin', people, last)!));
    expect(picks.slice(0, 4)).toEqual(['a', 'b', 'c', 'a']);
    expect(['a', 'b', 'c'].map((id) => picks.filter((p) => p === id).length)).toEqual([10, 10, 10]);
    // The last one left: the next in order.
    expect(chooseAssignee('round_robin', [c('a'), c('c')], 'b')).toBe('c');
  });

  it('when assigning to the least loaded, then the fewest open reviews win and ties go by turn; none or nobody gives null', () => {
    expect(chooseAssignee('least_loaded', [c('a', 2), c('b', 0), c('c', 1)], null)).toBe('b');
    expect(chooseAssignee('least_loaded', [c('a', 1), c('b', 1)], 'a')).toBe('b');
    expect(chooseAssignee('none', [c('a')], null)).toBeNull();
    expect(chooseAssignee('round_robin', [], null)).toBeNull();
  });
});

describe('deadline plan', () => {
  const calendar = createCalendar(defaultCalendarSpec());

  it('when a rule shortens an old round, then it is breached at once; lengthening an at-risk one puts it back on track', () => {
    const submittedAt = new Date('2026-11-09T02:00:00Z'); // Mon 10:00 Beijing
    const now = new Date('2026-11-10T02:00:00Z').getTime();
    const round = { submittedAt, dueAt: new Date('2026-11-12T10:00:00Z'), atRiskAt: new Date('2026-11-11T10:00:00Z'), slaState: 'on_track' as const };
    const short = planDeadline(round, { type: 'working_minutes', minutes: 60 }, 0.75, calendar, now);
    expect(short).toMatchObject({ next: 'breached', forward: 'breached', moved: true, earlier: true });
    expect(short.dueAt.toISOString()).toBe('2026-11-09T03:00:00.000Z');
    const atRisk = { ...round, slaState: 'at_risk' as const };
    expect(planDeadline(atRisk, { type: 'end_of_working_day', days: 5 }, 0.75, calendar, now)).toMatchObject({ next: 'on_track', forward: null });
  });
});
