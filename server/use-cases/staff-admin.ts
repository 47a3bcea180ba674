import { randomBytes } from 'node:crypto';
import * as argon2 from '@node-rs/argon2';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import type { Db, Tx } from '../../db/client.js';
import { findActiveStaff, lockActiveAdmins, createStaff, endSessionsOf, findStaffById, findStaffByEmail, updateStaff, type StaffMember } from '../../db/staff.js';
import type { Language } from '../../domain/labels.js';
import { ROLES, type Actor } from '../../domain/review.js';
import { REVIEW_KINDS } from '../../domain/kinds/index.js';
import { listHeldReviews } from '../../db/reviews.js';
import type { AppDeps } from '../deps.js';
import { conflict, forbidden, HttpError, notFound, validationFailed } from '../errors.js';
import { UUID } from '../../domain/ids.js';
import { DecisionRefused } from '../../temporal/review-client.js';
import { translate } from '../../i18n/index.js';

export const PASSWORD_MIN = 10;

const kindsField = z
  .union([z.array(z.string()), z.string(), z.undefined()])
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.enum(REVIEW_KINDS)).max(REVIEW_KINDS.length))
  .transform((v) => [...new Set(v)]);

const memberFields = {
  name: z.string().trim().min(1).max(64),
  role: z.enum(ROLES),
  language: z.enum(['zh-CN', 'en']),
  kinds: kindsField,
};

export const inviteForm = z.object({ email: z.email().trim().max(254), ...memberFields });
export const changeForm = z.object(memberFields);

export interface AdminDeps {
  db: Db;
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden('only admins may manage staff');
}

/** A first password: shown to the admin once, and the member must choose their own at the first sign-in. */
const newPassword = () => randomBytes(12).toString('base64url');

/** An admin invites a member of staff; the answer carries the initial password, which nobody can read again. */
export async function inviteStaff(deps: AdminDeps, actor: Actor, body: unknown, opts: { ip?: string | null; lang?: Language } = {}): Promise<{ member: StaffMember; password: string }> {
  requireAdmin(actor);
  const parsed = inviteForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, opts.lang);
  const f = parsed.data;
  if (await findStaffByEmail(deps.db, f.email)) throw new HttpError(409, 'email_taken', 'someone already has this e-mail', [{ path: 'email', message: opts.lang === 'en' ? 'someone already has this e-mail' : '该邮箱已被使用' }]);
  const password = newPassword();
  const member = await deps.db.transaction(async (tx) => {
    const m = await createStaff(tx, { email: f.email, name: f.name, role: f.role, language: f.language, kinds: f.kinds, passwordHash: await argon2.hash(password), mustChangePassword: true });
    await appendAudit(tx, { actorType: 'staff', actorId: actor.id, actorLabel: actor.name, action: 'staff.invite', objectType: 'staff', objectId: m.id, ip: opts.ip ?? null, details: { email: f.email, role: f.role, kinds: f.kinds } });
    return m;
  });
  return { member, password };
}

async function target(deps: AdminDeps, id: string) {
  const row = UUID.test(id) ? await findStaffById(deps.db, id) : undefined;
  if (!row) throw notFound('staff member');
  return row;
}

/**
 * Keeps at least one active admin, so nobody locks the back office out of its own rules. Runs in
 * the transaction that makes the change, with the admins' rows locked: two admins demoting each
 * other at the same moment take turns, and the second finds it is no longer an admin, or that the
 * one it demotes is the last.
 */
async function keepAnAdmin(tx: Tx, actor: Actor, id: string, leaves: (row: { role: string; active: boolean }) => boolean): Promise<void> {
  const admins = await lockActiveAdmins(tx);
  if (!admins.includes(actor.id)) throw forbidden('only admins may manage staff');
  const row = await findStaffById(tx, id);
  if (row && row.role === 'admin' && row.active && leaves(row) && admins.length <= 1) throw conflict('the last active admin must stay an active admin');
}

/** Name, role, language and the kinds a reviewer handles. */
export async function changeStaff(deps: AdminDeps, actor: Actor, id: string, body: unknown, opts: { ip?: string | null; lang?: Language } = {}): Promise<void> {
  requireAdmin(actor);
  const row = await target(deps, id);
  const parsed = changeForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, opts.lang);
  const f = parsed.data;
  await deps.db.transaction(async (tx) => {
    await keepAnAdmin(tx, actor, row.id, () => f.role !== 'admin');
    await updateStaff(tx, row.id, { name: f.name, role: f.role, language: f.language, kinds: f.kinds });
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: 'staff.change',
      objectType: 'staff',
      objectId: row.id,
      ip: opts.ip ?? null,
      details: { before: { name: row.name, role: row.role, language: row.language, kinds: row.kinds }, after: f },
    });
  });
}

/**
 * Deactivating ends the member's sessions at once; their name stays on what they did. The reviews
 * they held go back to the queue, each released by the admin through its round (a `released` event
 * and a `review.release` audit row), so no work waits on someone who can no longer sign in.
 */
export async function setStaffActive(
  deps: AdminDeps & Pick<AppDeps, 'reviews'>,
  actor: Actor,
  id: string,
  active: boolean,
  opts: { ip?: string | null; handTo?: string; lang?: Language } = {},
): Promise<{ moved: number; stillHeld: number; handedTo: string | null }> {
  requireAdmin(actor);
  const row = await target(deps, id);
  if (!active && row.id === actor.id) throw conflict('you cannot deactivate yourself');
  const heir = active || !opts.handTo ? null : await heirOf(deps, row.id, opts.handTo, opts.lang ?? 'en');
  await deps.db.transaction(async (tx) => {
    await keepAnAdmin(tx, actor, row.id, () => !active);
    await updateStaff(tx, row.id, { active });
    if (!active) await endSessionsOf(tx, row.id);
    await appendAudit(tx, { actorType: 'staff', actorId: actor.id, actorLabel: actor.name, action: active ? 'staff.activate' : 'staff.deactivate', objectType: 'staff', objectId: row.id, ip: opts.ip ?? null });
  });
  if (active) return { moved: 0, stillHeld: 0, handedTo: null };
  return { ...(await moveHeldReviews(deps, actor, row.id, heir)), handedTo: heir?.name ?? null };
}

/** Who takes over a deactivated member's reviews: another active member who may decide them. */
async function heirOf(deps: AdminDeps, memberId: string, handTo: string, lang: Language): Promise<Actor> {
  const heir = UUID.test(handTo) && handTo !== memberId ? await findActiveStaff(deps.db, handTo) : undefined;
  if (!heir || heir.role === 'auditor') {
    const message = translate(lang, 'form.chooseStaff');
    throw new HttpError(422, 'validation_failed', message, [{ path: 'handTo', message }]);
  }
  return heir;
}

/**
 * Each held review goes back to the queue, or to the chosen colleague, through its round: a
 * `released` or `assigned` event and its audit row. The update id names the member and the round,
 * so deactivating twice moves nothing twice.
 */
async function moveHeldReviews(deps: AdminDeps & Pick<AppDeps, 'reviews'>, actor: Actor, memberId: string, heir: Actor | null): Promise<{ moved: number; stillHeld: number }> {
  let moved = 0;
  let stillHeld = 0;
  for (const held of await listHeldReviews(deps.db, memberId)) {
    const key = `deactivated-${memberId}-${held.id}-${held.round}`;
    try {
      if (heir) await deps.reviews.assign(held.id, { round: held.round, actor, assignee: heir }, `assign-${key}`);
      else await deps.reviews.release(held.id, { round: held.round, actor }, `release-${key}`);
      moved += 1;
    } catch (err) {
      // A round that closed or moved on meanwhile holds nothing any more; anything else is left held and said so.
      if (!(err instanceof DecisionRefused)) throw err;
      if (err.reason !== 'closed' && err.refusal.code !== 'stale_round') stillHeld += 1;
    }
  }
  return { moved, stillHeld };
}

/** A new first password for someone who lost theirs: shown once, their sessions end. */
export async function resetStaffPassword(deps: AdminDeps, actor: Actor, id: string, opts: { ip?: string | null } = {}): Promise<{ member: { id: string; name: string; email: string }; password: string }> {
  requireAdmin(actor);
  const row = await target(deps, id);
  const password = newPassword();
  await deps.db.transaction(async (tx) => {
    await updateStaff(tx, row.id, { passwordHash: await argon2.hash(password), mustChangePassword: true });
    await endSessionsOf(tx, row.id);
    await appendAudit(tx, { actorType: 'staff', actorId: actor.id, actorLabel: actor.name, action: 'staff.password_reset', objectType: 'staff', objectId: row.id, ip: opts.ip ?? null });
  });
  return { member: { id: row.id, name: row.name, email: row.email }, password };
}

const passwordForm = z.object({ current: z.string().max(1024), next: z.string().max(1024), confirm: z.string().max(1024) });

/** Anyone changes their own password, knowing the current one; their other sessions end. */
export async function changeOwnPassword(deps: AdminDeps, member: Pick<StaffMember, 'id' | 'name'>, body: unknown, opts: { ip?: string | null; lang?: Language; sessionToken?: string } = {}): Promise<void> {
  const en = opts.lang === 'en';
  const parsed = passwordForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, opts.lang);
  const { current, next, confirm } = parsed.data;
  const refuse = (path: string, zh: string, english: string) => new HttpError(422, 'validation_failed', `invalid input: ${path}: ${english}`, [{ path, message: en ? english : zh }]);
  const row = await findStaffById(deps.db, member.id);
  if (!row || !(await argon2.verify(row.passwordHash, current))) throw refuse('current', '当前密码不正确', 'the current password is not right');
  if ([...next].length < PASSWORD_MIN) throw refuse('next', `新密码至少${PASSWORD_MIN}个字符`, `the new password needs at least ${PASSWORD_MIN} characters`);
  if (next === current) throw refuse('next', '新密码不能与当前密码相同', 'the new password must differ from the current one');
  if (confirm !== next) throw refuse('confirm', '两次输入的新密码不一致', 'the two new passwords differ');
  await deps.db.transaction(async (tx) => {
    await updateStaff(tx, row.id, { passwordHash: await argon2.hash(next), mustChangePassword: false });
    await endSessionsOf(tx, row.id, opts.sessionToken);
    await appendAudit(tx, { actorType: 'staff', actorId: row.id, actorLabel: row.name, action: 'staff.password_change', objectType: 'staff', objectId: row.id, ip: opts.ip ?? null });
  });
}
