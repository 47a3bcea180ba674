import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { batchNumbers, unsubscribeBatches } from '../schema.js';
import type { Db, Tx } from '../client.js';
import { MAX_UNSUBSCRIBE_NUMBERS, type NumberUnsubscribeInput } from '../../domain/kinds/number-unsubscribe.js';
import { MAX_NUMBER_TEXT, normaliseFixedLine, unsubscribeOutcome } from '../../domain/numbers.js';
import { translate } from '../../i18n/index.js';
import { sheetProblemStatus, sheetProblemText } from '../../domain/sheet-problems.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import type { Language } from '../../domain/labels.js';
import { readFirstColumn, SpreadsheetRefused } from '../../files/spreadsheet.js';
import type { SubjectStore } from './store.js';

/** One listed number as intake keeps it: where it was, what was written, what it is. */
export interface ListedNumber {
  row: number;
  text: string;
  number: string | null;
}

export type BatchRow = typeof unsubscribeBatches.$inferSelect;
export type BatchNumberRow = typeof batchNumbers.$inferSelect;

export const batchCounts = (b: BatchRow) => ({ total: b.total, released: b.released, failed: b.failed });

export async function findBatch(db: Db | Tx, id: string): Promise<BatchRow | undefined> {
  const [row] = await db.select().from(unsubscribeBatches).where(eq(unsubscribeBatches.id, id));
  return row;
}

export async function findBatchOfReview(db: Db | Tx, reviewId: string): Promise<BatchRow | undefined> {
  const [row] = await db.select().from(unsubscribeBatches).where(eq(unsubscribeBatches.reviewId, reviewId));
  return row;
}

export type OutcomeFilter = 'all' | 'failed' | 'released' | 'pending';

/** A page of a batch's numbers in sheet order, optionally only one outcome; keyset on position. */
export async function listBatchNumbers(db: Db, batchId: string, filter: OutcomeFilter, afterPosition: number, limit: number): Promise<BatchNumberRow[]> {
  return db
    .select()
    .from(batchNumbers)
    .where(and(eq(batchNumbers.batchId, batchId), filter === 'all' ? undefined : eq(batchNumbers.outcome, filter), gt(batchNumbers.position, afterPosition)))
    .orderBy(asc(batchNumbers.position))
    .limit(limit);
}

/** A reason as the reader reads it. */
export const reasonText = (row: Pick<BatchNumberRow, 'reason'>, lang: Language) => (row.reason ? translate(lang, `unsubscribe.failure.${row.reason}`) : '');

/** What became of a number (released, check failed, release failed) as the reader reads it. */
export const outcomeText = (row: Pick<BatchNumberRow, 'outcome' | 'reason'>, lang: Language) => translate(lang, `unsubscribe.outcome.${unsubscribeOutcome(row)}`);

/** Listed numbers as a sheet's first column gives them, from a JSON list: blank entries skipped, each kept as written. */
export function listedFromJson(numbers: readonly string[]): ListedNumber[] {
  const listed: ListedNumber[] = [];
  numbers.forEach((raw, i) => {
    const text = raw.trim();
    if (text === '') return;
    listed.push({ row: i + 1, text: [...text].slice(0, MAX_NUMBER_TEXT).join(''), number: text.length > MAX_NUMBER_TEXT ? null : normaliseFixedLine(text) });
  });
  return listed;
}

export const numberUnsubscribeStore: SubjectStore<NumberUnsubscribeInput> = {
  /** The sheet is read here, before the transaction, so the 201 means every listed number is stored. */
  async readFiles(files, lang): Promise<ListedNumber[]> {
    const file = files.file;
    if (!file) return [];
    try {
      const entries = await readFirstColumn(file.stagingPath, MAX_UNSUBSCRIBE_NUMBERS);
      return entries.map((e) => {
        const text = [...e.text].slice(0, MAX_NUMBER_TEXT).join('');
        return { row: e.row, text, number: e.text.length > MAX_NUMBER_TEXT ? null : normaliseFixedLine(e.text) };
      });
    } catch (err) {
      if (!(err instanceof SpreadsheetRefused)) throw err;
      throw new SubjectRefusal(sheetProblemStatus(err.problem), err.problem.code === 'part_too_large' ? 'too_large' : 'validation_failed', sheetProblemText(err.problem, lang), 'file');
    }
  },

  /** A sheet's numbers (read before the transaction), or a JSON list of them: the same from here on. */
  async insert(tx, _deps, s) {
    const listed = s.input.numbers ? listedFromJson(s.input.numbers) : ((s.fromFiles ?? []) as ListedNumber[]);
    if (listed.length === 0) {
      throw s.input.numbers
        ? new SubjectRefusal(422, 'validation_failed', 'subjectRefusal.noNumbers', 'numbers')
        : new SubjectRefusal(422, 'validation_failed', 'subjectRefusal.noNumbersInSheet', 'file');
    }
    await tx.insert(unsubscribeBatches).values({ id: s.subjectId, tenantId: s.tenant.id, reviewId: s.reviewId, note: s.input.note, total: listed.length });
    // One statement and one parameter, however many numbers.
    await tx.execute(sql`
      insert into batch_numbers (batch_id, position, sheet_row, text, number)
      select ${s.subjectId}, n.position, n.sheet_row, n.text, n.number
      from jsonb_to_recordset(${JSON.stringify(listed.map((l, i) => ({ position: i + 1, sheet_row: l.row, text: l.text, number: l.number })))}::jsonb)
        as n(position int, sheet_row int, text text, number text)`);
  },

  async reviewOf(db, tenantId, subjectId) {
    const [row] = await db
      .select({ reviewId: unsubscribeBatches.reviewId })
      .from(unsubscribeBatches)
      .where(and(eq(unsubscribeBatches.id, subjectId), eq(unsubscribeBatches.tenantId, tenantId)));
    return row?.reviewId;
  },

  async tenantView(deps, subjectId) {
    const b = await findBatch(deps.db, subjectId);
    return b ? { note: b.note, counts: batchCounts(b), finishedAt: b.finishedAt?.toISOString() ?? null } : {};
  },

  /** Progress, and the first failures with their reasons (the whole list has its own page). */
  async staffView(deps, review) {
    const b = await findBatchOfReview(deps.db, review.id);
    if (!b) return {};
    const failures = await listBatchNumbers(deps.db, b.id, 'failed', 0, 20);
    return {
      batch: b,
      counts: { ...batchCounts(b), pending: b.total - b.processed },
      percent: b.total === 0 ? 100 : Math.floor((b.processed / b.total) * 100),
      checking: review.status === 'checking',
      failures: failures.map((f) => ({ ...f, reason: { 'zh-CN': reasonText(f, 'zh-CN'), en: reasonText(f, 'en') }, outcome: { 'zh-CN': outcomeText(f, 'zh-CN'), en: outcomeText(f, 'en') } })),
      moreFailures: b.failed > failures.length,
    };
  },
};
