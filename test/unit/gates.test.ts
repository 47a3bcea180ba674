import { describe, expect, it } from 'vitest';
import { judgeDeclaration } from '../../domain/declarations.js';
import { orderGate, serviceRefusal, shownAppStatus } from '../../domain/gates.js';
import { judgeImages, measureImage } from '../../domain/image-check.js';
import { unsubscribeOutcome } from '../../domain/numbers.js';
import { riskSignals, type OtherEnterprise } from '../../domain/risk-signals.js';
import { unscheduledYears, yearsToWarnAbout } from '../../domain/schedule-coverage.js';
import { parseScheduleCsv } from '../../domain/schedule-csv.js';
import { jpgFile, pngFile } from '../support/files.js';

const enterprise = { status: 'approved', fixedLine: true, businessType: 'voice_notification' };
const app = { status: 'normal', businessType: 'voice_notification' };

describe('order gates', () => {
  it.each([
    ['an approved fixed-line enterprise of the app’s type, an active type', {}, null],
    ['no enterprise of this tenant', { enterprise: undefined }, 'enterprise_not_approved'],
    ['a pending enterprise', { enterprise: { ...enterprise, status: 'pending' } }, 'enterprise_not_approved'],
    ['a disabled app', { app: { ...app, status: 'disabled' } }, 'app_not_normal'],
    ['a frozen type', { service: 'frozen' }, 'service_frozen'],
    ['a cancelled type', { service: 'cancelled' }, 'service_cancelled'],
    ['no fixed lines', { enterprise: { ...enterprise, fixedLine: false } }, 'enterprise_not_fixed_line'],
    ['another type', { enterprise: { ...enterprise, businessType: 'voice_callback' } }, 'enterprise_type_mismatch'],
    ['an enterprise without a type', { enterprise: { ...enterprise, businessType: null } }, 'enterprise_type_mismatch'],
  ] as const)('when the order has %s, then the gate answers %s', (_what, over, code) => {
    expect(orderGate({ enterprise, app, service: 'active', ...over } as Parameters<typeof orderGate>[0])?.code ?? null).toBe(code);
  });

  it('when a type is in each state, then apps are refused with its own code and shown frozen only while frozen', () => {
    expect(['none', 'pending', 'active', 'rejected', 'cancelled', 'frozen'].map((s) => serviceRefusal(s as never))).toEqual([
      'service_not_applied',
      'service_pending',
      null,
      'service_rejected',
      'service_cancelled',
      'service_frozen',
    ]);
    expect(shownAppStatus('disabled', 'frozen')).toBe('frozen');
    expect(shownAppStatus('disabled', 'active')).toBe('disabled');
  });
});

describe('declarations', () => {
  it('when a submission names a version, then only the one in force passes', () => {
    expect([undefined, '', '1', '2', '3', 2, '02', '1.0'].map((v) => judgeDeclaration(v, 2))).toEqual([
      'declaration_required',
      'declaration_required',
      'declaration_outdated',
      null,
      'declaration_unknown',
      'declaration_unknown',
      'declaration_unknown',
      'declaration_unknown',
    ]);
  });
});

describe('the image pre-check', () => {
  it('when images are decoded, then their pixel size is measured and judged against each field’s minimum', () => {
    const cut = jpgFile({ width: 640, height: 480 });
    const measured = [
      measureImage('license', jpgFile({ width: 1, height: 1 }), 'jpg'),
      measureImage('handlerIdFront', jpgFile({ width: 640, height: 420 }), 'jpg'),
      measureImage('handlerIdBack', cut.subarray(0, cut.length - 200), 'jpg'),
      measureImage('applicationLetter', pngFile(40, 30), 'png'),
    ];
    expect(measured).toEqual([
      { field: 'license', width: 1, height: 1 },
      { field: 'handlerIdFront', width: 640, height: 420 },
      { field: 'handlerIdBack', problem: 'undecodable' },
      { field: 'applicationLetter', width: 40, height: 30 },
    ]);
    const check = judgeImages(2, measured, { license: { minWidth: 600, minHeight: 400 }, handlerIdFront: { minWidth: 600, minHeight: 400 }, handlerIdBack: { minWidth: 600, minHeight: 400 } });
    expect(check.passed).toBe(false);
    expect(check.problems.map((p) => [p.field, p.code])).toEqual([
      ['license', 'too_small'],
      ['handlerIdBack', 'undecodable'],
    ]);
  });
});

describe('risk signals', () => {
  const other = (over: Partial<OtherEnterprise>): OtherEnterprise => ({ enterpriseId: 'EQ1', reviewId: 'r1', tenantId: 'other', tenantName: 'Other', companyName: '示例物流科技有限公司', status: 'approved', ...over });

  it('when the same licence, handler or image is found elsewhere, then each is a signal; the tenant’s own are not, and a handler over the limit is', () => {
    const signals = riskSignals({
      tenantId: 'me',
      companyName: '示例 物流科技有限公司',
      sameLicense: [other({}), other({ enterpriseId: 'EQ2', tenantId: 'me', companyName: '别的名字' })],
      sameHandler: [other({ enterpriseId: 'EQ3' }), other({ enterpriseId: 'EQ4', tenantId: 'me' })],
      sameImages: [{ field: 'license', other: other({ enterpriseId: 'EQ5' }) }, { field: 'license', other: other({ enterpriseId: 'EQ6', tenantId: 'me' }) }],
      limits: { maxEnterprisesPerHandler: 2 },
    });
    expect(signals.map((s) => s.code)).toEqual(['license_elsewhere', 'handler_elsewhere', 'handler_many', 'name_differs', 'image_elsewhere']);
    expect(signals.find((s) => s.code === 'name_differs')).toMatchObject({ other: { enterpriseId: 'EQ2' } });
    expect(signals.find((s) => s.code === 'handler_many')).toEqual({ code: 'handler_many', count: 3, max: 2 });
  });
});

describe('years without an official schedule', () => {
  const scheduled = new Set([2025, 2026]);
  it('when a span or the next 90 days reach an unscheduled year, then that year is named', () => {
    expect(unscheduledYears(new Date('2026-12-31T09:00:00Z'), new Date('2027-01-04T09:00:00Z'), 'Asia/Shanghai', scheduled)).toEqual([2027]);
    expect(unscheduledYears(new Date('2026-12-31T15:30:00Z'), new Date('2026-12-31T16:10:00Z'), 'Asia/Shanghai', scheduled)).toEqual([2027]);
    expect(yearsToWarnAbout(new Date('2026-06-01T00:00:00Z'), null, 'Asia/Shanghai', scheduled)).toEqual([]);
    expect(yearsToWarnAbout(new Date('2026-10-15T00:00:00Z'), null, 'Asia/Shanghai', scheduled)).toEqual([2027]);
    expect(yearsToWarnAbout(new Date('2026-06-01T00:00:00Z'), new Date('2028-02-01T00:00:00Z'), 'Asia/Shanghai', scheduled)).toEqual([2027, 2028]);
  });

  it('when a CSV schedule is read, then holidays and make-up days come out with their names, and each bad line is named', () => {
    expect(parseScheduleCsv('date,type,name\r\n2027-01-01,holiday,"元旦|New Year\'s Day"\n\n2027-02-13,WORKDAY,春节', 2027)).toEqual({
      days: [
        { date: '2027-01-01', kind: 'holiday', name: '元旦', nameEn: "New Year's Day" },
        { date: '2027-02-13', kind: 'makeup', name: '春节' },
      ],
      problems: [],
    });
    expect(parseScheduleCsv('2027-13-01,holiday,x\n2027-01-02,off,x\n2028-01-01,holiday,x\n2027-01-03,holiday,x\n2027-01-03,holiday,y\nonly-one', 2027).problems.map((p) => [p.line, p.code])).toEqual([
      [1, 'date'],
      [2, 'type'],
      [3, 'other_year'],
      [5, 'twice'],
      [6, 'columns'],
    ]);
    expect(parseScheduleCsv('date,type,name\n', 2027).problems).toEqual([{ line: 0, code: 'empty', value: '' }]);
  });
});

describe('unsubscribe outcomes', () => {
  it('when a number failed, then its reason tells a failed check from a failed release', () => {
    expect(unsubscribeOutcome({ outcome: 'released', reason: null })).toBe('released');
    expect(unsubscribeOutcome({ outcome: 'failed', reason: 'not_found' })).toBe('check_failed');
    expect(unsubscribeOutcome({ outcome: 'failed', reason: 'release_conflict' })).toBe('release_failed');
    expect(unsubscribeOutcome({ outcome: 'pending', reason: null })).toBe('pending');
  });
});
