import { and, eq } from 'drizzle-orm';
import { noticeTemplates } from './schema.js';
import type { Db, Tx } from './client.js';
import type { Language } from '../domain/labels.js';
import { defaultTemplate, type NoticeChannel, type NoticeEvent, type NoticeTemplate } from '../domain/notice-templates.js';

export async function findTemplateOverride(db: Db | Tx, event: NoticeEvent, channel: NoticeChannel, language: Language): Promise<NoticeTemplate | undefined> {
  const [row] = await db
    .select()
    .from(noticeTemplates)
    .where(and(eq(noticeTemplates.event, event), eq(noticeTemplates.channel, channel), eq(noticeTemplates.language, language)));
  return row ? { subject: row.subject, body: row.body } : undefined;
}

/** The wording in force: the admin's override, else the default. */
export async function templateInForce(db: Db | Tx, event: NoticeEvent, channel: NoticeChannel, language: Language): Promise<NoticeTemplate & { overridden: boolean }> {
  const override = await findTemplateOverride(db, event, channel, language);
  return override ? { ...override, overridden: true } : { ...defaultTemplate(event, channel, language), overridden: false };
}

export async function saveTemplate(
  db: Db | Tx,
  key: { event: NoticeEvent; channel: NoticeChannel; language: Language },
  t: NoticeTemplate,
  staffId: string,
): Promise<void> {
  await db
    .insert(noticeTemplates)
    .values({ ...key, subject: t.subject, body: t.body, updatedBy: staffId })
    .onConflictDoUpdate({ target: [noticeTemplates.event, noticeTemplates.channel, noticeTemplates.language], set: { subject: t.subject, body: t.body, updatedBy: staffId, updatedAt: new Date() } });
}

export async function resetTemplate(db: Db | Tx, key: { event: NoticeEvent; channel: NoticeChannel; language: Language }): Promise<void> {
  await db
    .delete(noticeTemplates)
    .where(and(eq(noticeTemplates.event, key.event), eq(noticeTemplates.channel, key.channel), eq(noticeTemplates.language, key.language)));
}
