import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { contacts, notificationOutbox, tenants } from '../db/schema.js';
import type { NoticeSubscription } from '../domain/contacts.js';
import type { Language } from '../domain/labels.js';
import type { NoticeEvent, NoticeFacts } from '../domain/notice-templates.js';
import { noticeRenderer } from './render.js';

export interface TenantNotice {
  tenantId: string;
  /** Contacts subscribed to this hear it. */
  subscription: NoticeSubscription;
  /** Contacts that hear it whatever they subscribe to (an order's business contact). */
  alsoTo?: string[];
  /** Which wording. */
  event: NoticeEvent;
  /** What the outbox calls it (e.g. voice_template.approved). */
  outboxEvent: string;
  reviewId?: string | null;
  /** One notice per (cause, contact, channel): a retried writer queues it once. */
  cause: string;
  /** The facts, per contact's language (wording such as reasons differs by language). */
  facts: (language: Language) => NoticeFacts & { kind?: string };
}

/**
 * Queues an email and an SMS to every contact of the tenant subscribed to the notice, in each
 * contact's language, in the caller's transaction. Returns how many contacts will hear it.
 */
export async function queueTenantNotices(tx: Tx, n: TenantNotice): Promise<number> {
  // Both reads go out together (one round trip); so do each contact's two wordings.
  const [recipients, [tenant]] = await Promise.all([
    tx
      .select()
      .from(contacts)
      .where(
        and(
          eq(contacts.tenantId, n.tenantId),
          n.alsoTo && n.alsoTo.length > 0 ? or(sql`${n.subscription} = any(${contacts.subscriptions})`, inArray(contacts.id, n.alsoTo)) : sql`${n.subscription} = any(${contacts.subscriptions})`,
        ),
      )
      .execute(),
    tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, n.tenantId)).execute(),
  ]);
  if (recipients.length === 0) return 0;
  const render = noticeRenderer(tx);
  const rows = [];
  for (const c of recipients) {
    const language = c.language as Language;
    const facts = { tenantName: tenant?.name ?? '', contactName: c.name, ...n.facts(language) };
    const [email, sms] = await Promise.all([render(n.event, 'email', language, facts), render(n.event, 'sms', language, facts)]);
    const base = { event: n.outboxEvent, tenantId: n.tenantId, reviewId: n.reviewId ?? null, contactId: c.id, language };
    rows.push(
      { ...base, channel: 'email' as const, recipient: c.email, subject: email.subject, body: email.text, dedupeKey: `${n.cause}:${c.id}:email` },
      { ...base, channel: 'sms' as const, recipient: c.mobile, subject: null, body: sms.text, dedupeKey: `${n.cause}:${c.id}:sms` },
    );
  }
  await tx.insert(notificationOutbox).values(rows).onConflictDoNothing({ target: notificationOutbox.dedupeKey });
  return recipients.length;
}
