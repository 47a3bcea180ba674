import { z } from 'zod';
import { activeAmong, findOrderOfReview, issuedWith, orderProgress } from '../../db/numbers.js';
import { findReview } from '../../db/reviews.js';
import { kindOf } from '../../domain/kinds/index.js';
import type { Language } from '../../domain/labels.js';
import { MAX_NUMBER_TEXT, pastedLines, type IssueRequestCity } from '../../domain/numbers.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { translate, translateWith } from '../../i18n/index.js';
import { sendStaffUpdate } from './staff-update.js';

/** What the issue form showed when it was refused: the text as typed per city, and what is wrong, line by line. */
export interface IssueFormState {
  values: Record<string, string>;
  problems: string[];
}

/** A refused issue form: its status and message, with what was typed so the page can show it again. */
export class IssueFormRefused extends HttpError {
  constructor(status: number, message: string, readonly form: IssueFormState) {
    super(status, status === 422 ? 'validation_failed' : 'refused', message, form.problems.map((p) => ({ path: 'numbers', message: p })));
  }
}

const issueForm = z.object({
  round: z.coerce.number().int().min(1),
  /** One per rendered form: the Update id, so a double submission issues once. */
  token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'reload the page and try again'),
});

/** The pasted text per city (field numbers_<index>), kept as typed for showing again. */
function typedValues(body: Record<string, unknown>, cityCount: number): Record<string, string> {
  const values: Record<string, string> = {};
  for (let i = 0; i < cityCount; i++) {
    const v = body[`numbers_${i}`];
    if (typeof v === 'string' && v !== '') values[String(i)] = v;
  }
  return values;
}

/**
 * Staff issue numbers for an order in provisioning by pasting a column per city. Every line is
 * checked before anything is sent (a fixed-line number, not repeated in the form, not active on
 * the platform, no more than the city still lacks), and refusals name the city and the line.
 * The workflow's validator and the issue's own transaction check again, for requests that race.
 */
export async function issueNumbers(deps: AppDeps, actor: Actor, reviewId: string, body: unknown, lang: Language = 'en'): Promise<void> {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const parsed = issueForm.safeParse(fields);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const row = await findReview(deps.db, reviewId);
  // Only a kind whose fulfilment is provisioning has numbers to issue.
  if (!row || kindOf(row.kind)?.stages.fulfilment !== 'provisioning') throw notFound('number order');
  const order = await findOrderOfReview(deps.db, row.id);
  if (!order) throw notFound('number order');
  // The same form sent again (a double click, a reload): it was issued, and is not issued twice.
  if (await issuedWith(deps.db, parsed.data.token)) return;
  const progress = await orderProgress(deps.db, order.id);
  const values = typedValues(fields, progress.length);
  const refuse = (status: number, problems: string[]): never => {
    throw new IssueFormRefused(status, problems.join('; '), { values, problems });
  };
  if (row.status !== 'provisioning') refuse(409, [translate(lang, 'numbers.notProvisioning')]);

  const problems: string[] = [];
  const cities: IssueRequestCity[] = [];
  const where = new Map<string, { city: string; line: number }>();
  const lines: { city: string; line: number; number: string }[] = [];
  progress.forEach((c, i) => {
    const pasted = pastedLines(values[String(i)] ?? '');
    const numbers: string[] = [];
    for (const l of pasted) {
      if (l.number === null) {
        const key = l.text.length > MAX_NUMBER_TEXT ? 'numbers.problem.tooLong' : 'numbers.problem.invalid';
        problems.push(translateWith(lang, key, { city: c.city, line: String(l.line), text: l.text }));
        continue;
      }
      const first = where.get(l.number);
      if (first) {
        problems.push(translateWith(lang, 'numbers.problem.repeated', { city: c.city, line: String(l.line), number: l.number, firstCity: first.city, firstLine: String(first.line) }));
        continue;
      }
      where.set(l.number, { city: c.city, line: l.line });
      lines.push({ city: c.city, line: l.line, number: l.number });
      numbers.push(l.number);
    }
    const left = c.ordered - c.issued;
    if (pasted.length > left) problems.push(translateWith(lang, 'numbers.problem.over', { city: c.city, left: String(left), adding: String(pasted.length) }));
    if (numbers.length > 0) cities.push({ city: c.city, numbers });
  });
  const taken = await activeAmong(deps.db, lines.map((l) => l.number));
  for (const l of lines) if (taken.has(l.number)) problems.push(translateWith(lang, 'numbers.problem.taken', { city: l.city, line: String(l.line), number: l.number }));
  if (problems.length === 0 && cities.length === 0) problems.push(translate(lang, 'numbers.problem.none'));
  if (problems.length > 0) refuse(422, problems);

  const request = { round: row.round, requestKey: parsed.data.token, cities, actor };
  try {
    await sendStaffUpdate(deps, row, parsed.data.round, lang, () => deps.reviews.issueNumbers(reviewId, { ...request, round: parsed.data.round }, `issue-${parsed.data.token}`));
  } catch (err) {
    if (err instanceof HttpError && err.status === 409) refuse(409, [err.message]);
    throw err;
  }
}
