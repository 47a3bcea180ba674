
/**
 * Fixed-line numbers: how they are written, checked and counted, for number orders (issuing)
 * and unsubscribe batches (releasing). Pure: no I/O.
 */

/**
 * A mainland fixed-line number without its trunk 0: a two-digit area code (10, 2x) and eight
 * digits, or a three-digit area code and seven or eight digits.
 */
const NATIONAL_FIXED_LINE = /^(?:(?:10|2\d)\d{8}|[3-9]\d{2}\d{7,8})$/;

/**
 * The one form a number is kept in: E.164 (+86, area code, local number). Accepts what people
 * type or paste (010-12345678, (0755) 1234 5678, +86 10 1234 5678, full-width digits) and what a
 * spreadsheet keeps when a number was typed as a number (the leading 0 lost: 1012345678).
 * Anything else (a mobile number, too few digits) is null.
 */
export function normaliseFixedLine(raw: string): string | null {
  const compact = raw.normalize('NFKC').replace(/[\s\-–()（）.]/g, '');
  let digits = compact;
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  if (!/^\d+$/.test(digits)) return null;
  for (const candidate of [digits, digits.startsWith('86') ? digits.slice(2) : null]) {
    if (candidate === null) continue;
    const national = candidate.startsWith('0') ? candidate.slice(1) : candidate;
    if (NATIONAL_FIXED_LINE.test(national)) return `+86${national}`;
  }
  return null;
}

export const MAX_NUMBER_TEXT = 64;

/** What a staff member pasted for one city: each non-empty line, numbered as the textarea shows it. */
export interface PastedLine {
  line: number;
  text: string;
  number: string | null;
}

export function pastedLines(text: string): PastedLine[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== '')
    .map((l) => ({ ...l, number: l.text.length > MAX_NUMBER_TEXT ? null : normaliseFixedLine(l.text) }));
}

/** The provisioning state of one city of an order. */
export interface CityProgress {
  city: string;
  ordered: number;
  issued: number;
}

export interface IssueRequestCity {
  city: string;
  numbers: string[];
}

export type IssueProblem =
  | { code: 'unknown_city'; params: { city: string } }
  | { code: 'over_issue'; params: { city: string; ordered: string; issued: string; adding: string } }
  | { code: 'duplicate_number'; params: { number: string } }
  | { code: 'invalid_number'; params: { number: string } }
  | { code: 'nothing_to_issue' };

/**
 * Whether numbers may be issued against an order as it stands: every city must be one of the
 * order's, every number well formed and named once, and no city may get more than it ordered.
 * The workflow's validator and the back office's form both ask this.
 */
export function checkIssue(cities: readonly CityProgress[], request: readonly IssueRequestCity[]): IssueProblem | null {
  const seen = new Set<string>();
  const adding = new Map<string, number>();
  for (const c of request) {
    const progress = cities.find((p) => p.city === c.city);
    if (!progress) return { code: 'unknown_city', params: { city: c.city } };
    for (const n of c.numbers) {
      if (normaliseFixedLine(n) !== n) return { code: 'invalid_number', params: { number: n } };
      if (seen.has(n)) return { code: 'duplicate_number', params: { number: n } };
      seen.add(n);
    }
    const count = (adding.get(c.city) ?? 0) + c.numbers.length;
    adding.set(c.city, count);
    if (progress.issued + count > progress.ordered) {
      return { code: 'over_issue', params: { city: c.city, ordered: String(progress.ordered), issued: String(progress.issued), adding: String(count) } };
    }
  }
  return seen.size === 0 ? { code: 'nothing_to_issue' } : null;
}

export const isComplete = (cities: readonly CityProgress[]): boolean => cities.length > 0 && cities.every((c) => c.issued >= c.ordered);

/**
 * Why a number of an unsubscribe batch was not released, and at which step: the check (not a
 * fixed-line number, listed twice, not this account's, already released) or the release itself
 * (released by another request between the check and the release). Worded in
 * i18n/messages (unsubscribe.failure.<code>).
 */
export const UNSUBSCRIBE_FAILURES = {
  invalid_format: 'check',
  duplicate_in_batch: 'check',
  not_found: 'check',
  already_released: 'check',
  release_conflict: 'release',
} as const satisfies Record<string, 'check' | 'release'>;
export type UnsubscribeFailure = keyof typeof UNSUBSCRIBE_FAILURES;

/** What became of one listed number, as the results sheet says it. */
export const UNSUBSCRIBE_OUTCOMES = ['released', 'check_failed', 'release_failed'] as const;
export type UnsubscribeOutcome = (typeof UNSUBSCRIBE_OUTCOMES)[number] | 'pending';

/** A number's outcome from what is stored: released, or failed at the step its reason names. */
export function unsubscribeOutcome(row: { outcome: string; reason: string | null }): UnsubscribeOutcome {
  if (row.outcome === 'released') return 'released';
  if (row.outcome !== 'failed') return 'pending';
  return row.reason && row.reason in UNSUBSCRIBE_FAILURES && UNSUBSCRIBE_FAILURES[row.reason as UnsubscribeFailure] === 'release' ? 'release_failed' : 'check_failed';
}

export type BatchStatus = 'completed' | 'partially_succeeded' | 'check_failed';

/** A finished batch: every number released, some, or none. */
export function batchStatus(counts: { total: number; released: number }): BatchStatus {
  if (counts.released === counts.total) return 'completed';
  return counts.released === 0 ? 'check_failed' : 'partially_succeeded';
}

/**
 * A spreadsheet cell as text, from what the xlsx reader gives: text, a number (a number typed
 * as a number lost its leading 0, which normaliseFixedLine allows for), rich text, a hyperlink's
 * text, an error's code. A formula is never evaluated: its cached result, or nothing.
 */
export function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('formula' in v || 'sharedFormula' in v) return 'result' in v ? cellText(v.result) : null;
    if (Array.isArray(v.richText)) return cellText((v.richText as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join(''));
    if ('text' in v) return cellText(v.text);
    if (typeof v.error === 'string') return v.error;
  }
  return null;
}

/** The optional header row: a first entry with no digit in it ("number", "号码") names the column. */
export const isHeaderText = (text: string): boolean => !/\d/.test(text);

const beijingDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in Beijing (YYYY-MM-DD): rent is counted in Beijing days. */
export function beijingDate(at: Date): string {
  return beijingDay.format(at);
}

/** Rent stops from the month after the release: it is paid through the release month's last day. */
export function rentUntil(releasedAt: Date): string {
  const [y, m] = beijingDate(releasedAt).split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${y}-${String(m).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}
