import { and, eq, isNull, sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../client.js';
import { findAudioLimits } from '../rules.js';
import { appendAudit } from '../audit.js';
import { apps, createdAt, reviews, tenants, ts } from '../schema.js';
import { storable } from '../../domain/storable.js';
import { currentFiles, type StoredFileRow } from '../stored-files.js';
import { checkAudio, WAV_HEADER_BYTES, type AudioCheck } from '../../domain/audio-format.js';
import { audioLimitsText, describeAudioCheck, measuredAudioFacts } from '../../i18n/audio-check-text.js';
import type { AudioFileInput } from '../../domain/kinds/audio-file.js';
import type { SubjectStore } from './store.js';

/**
 * An uploaded recording (放音文件). The file itself is in stored_files (field `file`); the
 * automatic check records what it measured here, so staff, notices and the tenant API can word it.
 */
export const audioFiles = pgTable(
  'audio_files',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    reviewId: uuid('review_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** The check's result (domain/audio-format.ts AudioCheck): measured properties, problems, the limits applied. Null until checked. */
    formatCheck: jsonb('format_check'),
    checkedAt: ts('checked_at'),
    /** The tenant deleted it: hidden from them, history kept. */
    deletedAt: ts('deleted_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('audio_files_tenant_idx').on(t.tenantId), index('audio_files_review_idx').on(t.reviewId)],
);

export type AudioFileRow = typeof audioFiles.$inferSelect;

export const AUDIO_FORMAT_REASON = 'audio_format';

/**
 * This tenant's audio file if it is approved and not deleted: what an app may play as its
 * quality-check prompt. `lock` share-locks it, so a deletion waits for the change that names it.
 */
export async function findApprovedAudio(db: Db | Tx, tenantId: string, id: string, lock = false): Promise<AudioFileRow | undefined> {
  const q = db
    .select({ audio: audioFiles })
    .from(audioFiles)
    .innerJoin(reviews, eq(reviews.id, audioFiles.reviewId))
    .where(and(eq(audioFiles.id, id), eq(audioFiles.tenantId, tenantId), isNull(audioFiles.deletedAt), eq(reviews.status, 'approved')));
  const [row] = lock ? await q.for('share', { of: audioFiles }) : await q;
  return row?.audio;
}

/** This tenant's audio file, unless it was deleted. */
export async function findTenantAudioFile(db: Db | Tx, tenantId: string, id: string): Promise<AudioFileRow | undefined> {
  const [row] = await db
    .select()
    .from(audioFiles)
    .where(and(eq(audioFiles.id, id), eq(audioFiles.tenantId, tenantId), isNull(audioFiles.deletedAt)));
  return row;
}

/** The uploaded recording among a subject's files. */
export const audioOf = (files: StoredFileRow[]): StoredFileRow | undefined => currentFiles(files).find((f) => f.field === 'file');

const checkOf = (row: AudioFileRow): AudioCheck | null => (row.formatCheck as AudioCheck | null) ?? null;

/** Where the check stands, as the tenant reads it. */
const checkState = (check: AudioCheck | null) => (check === null ? 'pending' : check.passed ? 'passed' : 'failed');

export const audioFileStore: SubjectStore<AudioFileInput> = {
  async insert(tx, _deps, s) {
    await tx.insert(audioFiles).values({ id: s.subjectId, tenantId: s.tenant.id, reviewId: s.reviewId, name: s.input.name, description: s.input.description });
  },

  async reviewOf(db, tenantId, subjectId) {
    return (await findTenantAudioFile(db, tenantId, subjectId))?.reviewId;
  },

  /**
   * Hidden from the tenant; an app that played it as its quality-check prompt plays none from now
   * on (audited), and the contacts who hear of audio files are told which apps.
   */
  async withdraw(tx, subjectId, effects) {
    const [audio] = await tx
      .update(audioFiles)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(audioFiles.id, subjectId))
      .returning({ tenantId: audioFiles.tenantId, name: audioFiles.name });
    const cleared = await tx
      .update(apps)
      .set({ promptAudioId: null, updatedAt: sql`now()` })
      .where(eq(apps.promptAudioId, subjectId))
      .returning({ id: apps.id, name: apps.name });
    if (!audio || cleared.length === 0) return;
    for (const app of cleared) {
      await appendAudit(tx, {
        actorType: 'system',
        actorId: null,
        actorLabel: null,
        action: 'app.update',
        objectType: 'app',
        objectId: app.id,
        details: { changes: { promptAudioId: { from: subjectId, to: null } }, audioFileDeleted: subjectId },
      });
    }
    await effects.tell({
      tenantId: audio.tenantId,
      subscription: 'audio_file',
      event: 'audio.prompt_cleared',
      outboxEvent: 'audio.prompt_cleared',
      cause: `${subjectId}:prompt_cleared`,
      facts: () => ({ audioName: audio.name, subjectId, apps: cleared.map((a) => a.name).join(', ') }),
    });
  },

  async tenantView(deps, subjectId) {
    const [a] = await deps.db.select().from(audioFiles).where(eq(audioFiles.id, subjectId));
    if (!a) return {};
    const check = checkOf(a);
    const p = check?.properties ?? null;
    return {
      name: a.name,
      description: a.description,
      formatCheck: checkState(check),
      format: p ? { container: p.container, encoding: p.encoding, sampleRate: p.sampleRate, channels: p.channels, durationSeconds: p.durationSeconds, sizeBytes: p.fileBytes } : null,
      fileUrl: a.deletedAt ? null : `/api/v1/audio-files/${a.id}/file`,
    };
  },

  /** The player, the measured properties against the limits, and the check's verdict. */
  async staffView(deps, review, files) {
    const [a] = await deps.db.select().from(audioFiles).where(eq(audioFiles.reviewId, review.id));
    if (!a) return {};
    const check = checkOf(a);
    return {
      audio: a,
      file: audioOf(files) ?? null,
      checkState: checkState(check),
      facts: check ? measuredAudioFacts(check) : [],
      problem: check && !check.passed ? { 'zh-CN': describeAudioCheck(check, 'zh-CN'), en: describeAudioCheck(check, 'en') } : null,
      limits: check ? { 'zh-CN': audioLimitsText(check.limits, 'zh-CN'), en: audioLimitsText(check.limits, 'en') } : null,
    };
  },

  /**
   * Reads the file's header (never the whole file) and judges it against the limits in force. The
   * result is kept on the audio file, so the reason can be worded in each reader's language.
   */
  async precheck(ctx, review, files) {
    const file = audioOf(files);
    const head = file ? await ctx.readFile(file, WAV_HEADER_BYTES) : Buffer.alloc(0);
    // Measured from the file's own bytes: made storable before it reaches a jsonb column or a decision.
    const check = storable(checkAudio(head, file?.size ?? 0, await findAudioLimits(ctx.db, 'audio_file')));
    await ctx.db
      .update(audioFiles)
      .set({ formatCheck: check, checkedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(audioFiles.id, review.subjectId));
    if (check.passed) return { passed: true };
    // What was measured stays on the audio file; each reader gets it worded through reasonWording.
    return { passed: false, reasonCode: AUDIO_FORMAT_REASON, reasonText: null };
  },

  async reasonWording(db, subjectId, reasonCode) {
    if (reasonCode !== AUDIO_FORMAT_REASON) return undefined;
    const [a] = await db.select({ formatCheck: audioFiles.formatCheck }).from(audioFiles).where(eq(audioFiles.id, subjectId));
    const check = a ? checkOf(a as AudioFileRow) : null;
    if (!check || check.passed) return undefined;
    return { 'zh-CN': describeAudioCheck(check, 'zh-CN'), en: describeAudioCheck(check, 'en') };
  },
};
