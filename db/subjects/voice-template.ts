import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, reviewEvents, tenants, ts } from '../schema.js';
import { checkTemplate, type TemplateChecks, type TemplateViolation } from '../../domain/checks.js';
import { storedBilingualReason, templateViolationWording } from '../../i18n/reason-text.js';
import { templateVariables, type VoiceTemplateInput } from '../../domain/kinds/voice-template.js';
import { findTemplateChecks } from '../rules.js';
import type { PrecheckVerdict, SubjectStore } from './store.js';

export const voiceTemplates = pgTable(
  'voice_templates',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    name: text('name').notNull(),
    speed: text('speed').notNull(),
    speaker: text('speaker').notNull(),
    content: text('content').notNull(),
    scenario: text('scenario').notNull(),
    reviewId: uuid('review_id').notNull(),
    deletedAt: ts('deleted_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  // The review page and the automatic check find a subject by its review.
  (t) => [index('voice_templates_tenant_idx').on(t.tenantId), index('voice_templates_review_idx').on(t.reviewId)],
);

type VoiceTemplateRow = typeof voiceTemplates.$inferSelect;

function templateView(id: string, t: Pick<VoiceTemplateRow, 'name' | 'speed' | 'speaker' | 'content' | 'scenario'>): Record<string, unknown> {
  return { templateId: id, name: t.name, speed: t.speed, speaker: t.speaker, content: t.content, scenario: t.scenario };
}

function templateVerdict(content: string, checks: TemplateChecks | undefined): PrecheckVerdict {
  const violation = checks ? checkTemplate(content, templateVariables(content).length, checks) : undefined;
  if (!violation) return { passed: true };
  const { code, ...found } = violation;
  return { passed: false, reasonCode: code, reasonText: null, reasonParams: found };
}

export const voiceTemplateStore: SubjectStore<VoiceTemplateInput> = {
  async insert(tx, _deps, s) {
    await tx.insert(voiceTemplates).values({ id: s.subjectId, tenantId: s.tenant.id, reviewId: s.reviewId, ...s.input }).prepare('intake_voice_template').execute();
  },

  async reviewOf(db, tenantId, subjectId) {
    const [row] = await db
      .select({ reviewId: voiceTemplates.reviewId })
      .from(voiceTemplates)
      .where(and(eq(voiceTemplates.id, subjectId), eq(voiceTemplates.tenantId, tenantId), isNull(voiceTemplates.deletedAt)));
    return row?.reviewId;
  },

  async resubmit(tx, _deps, edit) {
    const input = edit.input as VoiceTemplateInput;
    await tx.update(voiceTemplates).set({ ...input, updatedAt: sql`now()` }).where(eq(voiceTemplates.id, edit.subjectId));
    return { title: input.name };
  },

  async withdraw(tx, subjectId) {
    await tx.update(voiceTemplates).set({ deletedAt: sql`now()` }).where(eq(voiceTemplates.id, subjectId));
  },

  async tenantView(deps, subjectId) {
    const [t] = await deps.db.select().from(voiceTemplates).where(eq(voiceTemplates.id, subjectId));
    return t ? templateView(t.id, t) : {};
  },

  tenantViewOfInput(subjectId, input) {
    return templateView(subjectId, input);
  },

  async staffView(deps, review) {
    const [t] = await deps.db.select().from(voiceTemplates).where(eq(voiceTemplates.reviewId, review.id));
    return t ? { template: t, variables: templateVariables(t.content) } : {};
  },

  /** The rule set's banned words and limits, checked the moment the round starts: a failure names what it found. */
  async precheck(ctx, review) {
    const [t] = await ctx.db.select({ content: voiceTemplates.content }).from(voiceTemplates).where(eq(voiceTemplates.reviewId, review.id));
    if (!t) return { passed: true };
    return templateVerdict(t.content, await findTemplateChecks(ctx.db, 'voice_template'));
  },

  precheckInput(input, rules) {
    return templateVerdict(input.content, rules.checks.template);
  },

  /**
   * What the check found, kept with the rejection in the timeline, worded per language. Rejections
   * from before facts were kept stored "中文 / English": each reader gets their half.
   */
  async reasonWording(db, subjectId, reasonCode) {
    if (reasonCode !== 'banned_words' && reasonCode !== 'template_limits') return undefined;
    const [last] = await db
      .select({ actorType: reviewEvents.actorType, data: reviewEvents.data })
      .from(reviewEvents)
      .innerJoin(voiceTemplates, eq(voiceTemplates.reviewId, reviewEvents.reviewId))
      .where(and(eq(voiceTemplates.id, subjectId), eq(reviewEvents.type, 'rejected')))
      .orderBy(desc(reviewEvents.id))
      .limit(1);
    if (!last || last.actorType !== 'system') return undefined;
    const data = last.data as { reasonParams?: Record<string, unknown>; reasonText?: string | null };
    if (!data.reasonParams) return storedBilingualReason(data.reasonText);
    const violation = { code: reasonCode, ...data.reasonParams } as TemplateViolation;
    return { 'zh-CN': templateViolationWording(violation, 'zh-CN'), en: templateViolationWording(violation, 'en') };
  },
};
