import { desc, eq } from 'drizzle-orm';
import { appendAudit } from '../../db/audit.js';
import type { Db } from '../../db/client.js';
import { resetTemplate, saveTemplate, templateInForce } from '../../db/notice-templates.js';
import { contacts, reviews, tenants } from '../../db/schema.js';
import { PUBLIC_URL_SETTING, readSetting } from '../../db/settings.js';
import { UUID } from '../../domain/ids.js';
import type { Language } from '../../domain/labels.js';
import {
  channelsFor,
  NOTICE_EVENT_NAMES,
  NOTICE_EVENTS,
  renderTemplate,
  smsSegments,
  TemplateError,
  validateTemplate,
  type NoticeChannel,
  type NoticeEvent,
  type NoticeFacts,
  type NoticeTemplate,
} from '../../domain/notice-templates.js';
import type { Actor } from '../../domain/review.js';
import { translate } from '../../i18n/index.js';
import { templateErrorText } from '../../i18n/template-error-text.js';
import { noticeTime, templateFacts } from '../../notices/render.js';
import { decisionNoticeFacts, staffNoticeFacts, storedDecisionWording } from '../../notices/review-facts.js';

/** Which notice template: its event, channel and language. */
export interface TemplateKey {
  event: NoticeEvent;
  channel: NoticeChannel;
  language: Language;
}

const objectId = (key: TemplateKey) => `${key.event}/${key.channel}/${key.language}`;

/** Every template an admin may edit, and whether an admin's wording replaces the default. */
export async function listNoticeTemplates(db: Db) {
  const rows = [];
  for (const event of NOTICE_EVENT_NAMES) {
    for (const channel of channelsFor(event)) {
      for (const language of ['zh-CN', 'en'] as const) {
        const t = await templateInForce(db, event, channel, language);
        rows.push({ event, channel, language, overridden: t.overridden, audience: NOTICE_EVENTS[event].audience });
      }
    }
  }
  return rows;
}

/**
 * A real review (the chosen one, else the latest) and the facts its notices are built from, as a contact
 * reading the template's language and the admin would read them; stand-ins where the review has no such fact.
 */
export async function templateSample(db: Db, reviewId: string | undefined, language: Language, staffName: string) {
  const [found] = await db
    .select({ review: reviews, tenantName: tenants.name })
    .from(reviews)
    .innerJoin(tenants, eq(tenants.id, reviews.tenantId))
    .where(reviewId && UUID.test(reviewId) ? eq(reviews.id, reviewId) : undefined)
    .orderBy(desc(reviews.submittedAt))
    .limit(1);
  const recent = await db.select({ id: reviews.id, title: reviews.title }).from(reviews).orderBy(desc(reviews.submittedAt)).limit(20);
  if (!found) return { facts: {} as NoticeFacts, review: undefined, recent };
  const rv = found.review;
  const people = await db.select({ name: contacts.name, language: contacts.language }).from(contacts).where(eq(contacts.tenantId, rv.tenantId));
  const contact = people.find((c) => c.language === language) ?? people[0];
  const decision = decisionNoticeFacts(rv, await storedDecisionWording(db, rv), language);
  const base = (await readSetting(db, PUBLIC_URL_SETTING)) ?? '';
  const staffFacts = staffNoticeFacts(rv, staffName, language, base, { due: rv.dueAt, n: Math.max(1, rv.reminderCount), answerBy: rv.reminderAnswerDueAt ?? rv.dueAt });
  return {
    review: rv,
    recent,
    facts: templateFacts(language, {
      ...staffFacts,
      tenantName: found.tenantName,
      contactName: contact?.name ?? translate(language, 'templates.sample.contactName'),
      ...decision,
      reason: decision.reason || translate(language, 'templates.sample.reason'),
      decidedAt: decision.decidedAt || noticeTime(new Date(), language),
      message: translate(language, 'templates.sample.message'),
    }),
  };
}

/** A draft rendered with a sample's facts, or why it cannot be (in the reader's language). */
export function previewTemplate(key: Pick<TemplateKey, 'event' | 'channel'>, t: NoticeTemplate, facts: NoticeFacts, readerLang: Language) {
  try {
    validateTemplate(key.event, key.channel, t);
    const out = renderTemplate(t, facts);
    return { ok: true as const, subject: out.subject, text: out.text, sms: key.channel === 'sms' ? smsSegments(out.text) : null };
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false as const, error: templateErrorText(err, readerLang), field: err.field };
    throw err;
  }
}

/** An admin's wording replaces the template in force, audited with what it replaced; a draft that does not compile is refused. */
export async function saveNoticeTemplate(db: Db, key: TemplateKey, t: NoticeTemplate, actor: Actor, ip: string | null): Promise<{ saved: true } | { saved: false; error: TemplateError }> {
  try {
    validateTemplate(key.event, key.channel, t);
  } catch (err) {
    if (err instanceof TemplateError) return { saved: false, error: err };
    throw err;
  }
  const before = await templateInForce(db, key.event, key.channel, key.language);
  await db.transaction(async (tx) => {
    await saveTemplate(tx, key, t, actor.id);
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'template.change',
      objectType: 'notice_template',
      objectId: objectId(key),
      ip,
      details: { before: { subject: before.subject, body: before.body }, after: t },
    });
  });
  return { saved: true };
}

/** The default wording is in force again, audited. */
export async function resetNoticeTemplate(db: Db, key: TemplateKey, actor: Actor, ip: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    await resetTemplate(tx, key);
    await appendAudit(tx, { actorType: 'staff', actorId: actor.id, actorLabel: actor.name, action: 'template.reset', objectType: 'notice_template', objectId: objectId(key), ip });
  });
}
