import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { reviewPresence, staff } from './schema.js';

export const PRESENCE_ACTIVITIES = ['viewing', 'deciding', 'noting'] as const;
export type PresenceActivity = (typeof PRESENCE_ACTIVITIES)[number];

/** Seen within two and a half heartbeats, someone is still there: two beats may be missed. */
const presentSeconds = (heartbeatSeconds: number) => Math.ceil(heartbeatSeconds * 2.5);
/** Rows older than this are deleted as heartbeats come in: nobody reads them. */
const FORGET_SECONDS = 300;

/**
 * A heartbeat: this member has the review open, doing this, now (the database's clock, which
 * every web process shares). Rows long stale, of any review, go at the same time.
 */
export async function markPresent(db: Db, p: { reviewId: string; staffId: string; activity: PresenceActivity }): Promise<void> {
  await db
    .insert(reviewPresence)
    .values({ ...p, seenAt: sql`now()` })
    .onConflictDoUpdate({ target: [reviewPresence.reviewId, reviewPresence.staffId], set: { activity: p.activity, seenAt: sql`now()` } });
  await db.delete(reviewPresence).where(sql`${reviewPresence.seenAt} < now() - make_interval(secs => ${FORGET_SECONDS})`);
}

/** The others who have the review open now, by name, and what they are doing. */
export async function othersPresent(db: Db, reviewId: string, staffId: string, heartbeatSeconds: number): Promise<{ name: string; activity: PresenceActivity }[]> {
  return db
    .select({ name: staff.name, activity: reviewPresence.activity })
    .from(reviewPresence)
    .innerJoin(staff, eq(staff.id, reviewPresence.staffId))
    .where(and(eq(reviewPresence.reviewId, reviewId), ne(reviewPresence.staffId, staffId), sql`${reviewPresence.seenAt} > now() - make_interval(secs => ${presentSeconds(heartbeatSeconds)})`))
    .orderBy(asc(staff.name));
}
