import { and, eq, isNull } from 'drizzle-orm';
import { voiceTemplates } from './schema.js';
import type { Db, Tx } from './client.js';

export type VoiceTemplateRow = typeof voiceTemplates.$inferSelect;

export async function findTenantTemplate(db: Db | Tx, tenantId: string, id: string): Promise<VoiceTemplateRow | undefined> {
  const [row] = await db
    .select()
    .from(voiceTemplates)
    .where(and(eq(voiceTemplates.id, id), eq(voiceTemplates.tenantId, tenantId), isNull(voiceTemplates.deletedAt)));
  return row;
}

export async function findTemplateByReview(db: Db, reviewId: string): Promise<VoiceTemplateRow | undefined> {
  const [row] = await db.select().from(voiceTemplates).where(eq(voiceTemplates.reviewId, reviewId));
  return row;
}
