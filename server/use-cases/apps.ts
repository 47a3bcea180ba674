import { randomBytes } from 'node:crypto';
import { appendAudit } from '../../db/audit.js';
import {
  findTenantApp,
  hashAppSecret,
  insertApp,
  lockAppQuota,
  lockTenantApp,
  nameTaken,
  setAppQuota,
  updateApp,
  type AppRow,
} from '../../db/apps.js';
import type { ReviewRow } from '../../db/reviews.js';
import { listServices } from '../../db/services.js';
import type { TenantRow } from '../../db/tenants.js';
import {
  APP_REFUSAL_STATUS,
  changeAppInput,
  createAppInput,
  MAX_APP_QUOTA,
  planAppChange,
  type AppChanges,
  type AppRefusal,
  type AppStatus,
} from '../../domain/apps.js';
import { appChangeRefusal, serviceRefusal } from '../../domain/gates.js';
import { serviceFacts } from '../../db/services.js';
import { serviceState } from '../../db/gates.js';
import { findApprovedAudio } from '../../db/subjects/audio-file.js';
import { gateText } from '../../i18n/gate-text.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { translate, translateWith } from '../../i18n/index.js';
import { isUniqueViolation } from './idempotency.js';
import { submitJson } from './intake/submit.js';
import { qualityCheckOptOutKind } from '../../domain/kinds/quality-check-opt-out.js';

export interface TenantRequest {
  lang: Language;
  ip: string | null;
}

/** A refusal of an app change, worded in the caller's language and naming the field. */
export function appRefusal(code: AppRefusal, lang: Language, path: string): HttpError {
  const message = translate(lang, `apps.refusal.${code}`);
  return new HttpError(APP_REFUSAL_STATUS[code], code, message, [{ path, message }]);
}

/** A business type that is not active now, in the tenant's words: which state, until when, why, what next. */
async function serviceGateError(deps: Pick<AppDeps, 'db'>, tenantId: string, businessType: string, code: string, lang: Language, path: string): Promise<HttpError> {
  const message = gateText(lang, code, await serviceFacts(deps.db, tenantId, businessType));
  return new HttpError(409, code, message, [{ path, message }]);
}

const tenantActor = (tenant: TenantRow, ip: string | null) => ({ actorType: 'tenant' as const, actorId: tenant.id, actorLabel: tenant.name, ip });

/** The key names an app in calls; the secret proves it. Only the secret's hash is kept. */
const newAppKey = () => randomBytes(16).toString('hex');
const newAppSecret = () => randomBytes(32).toString('base64url');

/**
 * A tenant creates an app for a business type it has been granted, within its quota. Creations
 * for one tenant wait for each other on the tenant's row, so a race never passes the quota.
 */
export async function createApp(deps: AppDeps, tenant: TenantRow, body: unknown, req: TenantRequest): Promise<{ app: AppRow; secret: string }> {
  const parsed = createAppInput.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, req.lang);
  const input = parsed.data;
  if (input.qualityCheck && !input.recording) throw appRefusal('recording_required', req.lang, 'qualityCheck');
  const service = (await listServices(deps.db, tenant.id)).find((s) => s.businessType === input.businessType);
  const refused = serviceRefusal(service?.state ?? 'none');
  if (refused) throw await serviceGateError(deps, tenant.id, input.businessType, refused, req.lang, 'businessType');

  const secret = newAppSecret();
  try {
    const app = await deps.db.transaction(async (tx) => {
      const { quota, used } = await lockAppQuota(tx, tenant.id);
      if (used >= quota) throw appRefusal('app_quota', req.lang, '(body)');
      if (await nameTaken(tx, tenant.id, input.name)) throw appRefusal('name_taken', req.lang, 'name');
      const created = await insertApp(tx, { tenantId: tenant.id, ...input, appKey: newAppKey(), appSecretHash: hashAppSecret(secret) });
      await appendAudit(tx, {
        ...tenantActor(tenant, req.ip),
        action: 'app.create',
        objectType: 'app',
        objectId: created.id,
        details: { name: created.name, businessType: created.businessType, recording: created.recording, qualityCheck: created.qualityCheck, quota, used: used + 1 },
      });
      return created;
    });
    return { app, secret };
  } catch (err) {
    if (isUniqueViolation(err)) throw appRefusal('name_taken', req.lang, 'name');
    throw err;
  }
}

/**
 * A tenant changes an app. Most changes apply at once (audited); turning quality checks off
 * opens a review through the shared intake instead, and the app keeps them on until approved.
 */
export async function changeApp(
  deps: AppDeps,
  tenant: TenantRow,
  appId: string,
  body: unknown,
  req: TenantRequest & { idempotencyKey?: string },
): Promise<{ app: AppRow; optOut: ReviewRow | null }> {
  const parsed = changeAppInput.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, req.lang);
  const current = await findTenantApp(deps.db, tenant.id, appId);
  if (!current) throw notFound('app');
  const plan = planAppChange({ ...current, status: current.status as AppStatus }, parsed.data);
  if ('refusal' in plan) throw appRefusal(plan.refusal, req.lang, plan.path);
  if (plan.optOut || Object.keys(plan.changes).length > 0) {
    const frozen = appChangeRefusal(await serviceState(deps.db, tenant.id, current.businessType));
    if (frozen) throw await serviceGateError(deps, tenant.id, current.businessType, frozen, req.lang, '(body)');
  }

  if (plan.optOut) {
    let review: ReviewRow;
    try {
      review = await submitJson(deps, tenant, qualityCheckOptOutKind.kind, { appId: current.id, appName: current.name }, { idempotencyKey: req.idempotencyKey, lang: req.lang });
    } catch (err) {
      if (err instanceof SubjectRefusal && err.code in APP_REFUSAL_STATUS) throw appRefusal(err.code as AppRefusal, req.lang, err.path);
      throw err;
    }
    return { app: (await findTenantApp(deps.db, tenant.id, appId)) ?? current, optOut: review };
  }
  if (Object.keys(plan.changes).length === 0) return { app: current, optOut: null };

  try {
    const app = await deps.db.transaction(async (tx) => {
      const locked = await lockTenantApp(tx, tenant.id, appId);
      if (!locked) throw notFound('app');
      // Judged again under the lock: a change that committed meanwhile (recording turned on) counts.
      const again = planAppChange({ ...locked, status: locked.status as AppStatus }, parsed.data);
      if ('refusal' in again) throw appRefusal(again.refusal, req.lang, again.path);
      if (again.optOut || Object.keys(again.changes).length === 0) return locked;
      // Judged under share locks too: a freeze, or the audio file's deletion, waits for this change or is seen by it.
      if (appChangeRefusal(await serviceState(tx, tenant.id, locked.businessType, true))) {
        throw await serviceGateError(deps, tenant.id, locked.businessType, 'service_frozen', req.lang, '(body)');
      }
      if (again.changes.promptAudioId && !(await findApprovedAudio(tx, tenant.id, again.changes.promptAudioId, true))) {
        throw appRefusal('audio_not_approved', req.lang, 'qualityCheckPromptAudioId');
      }
      if (again.changes.name !== undefined && (await nameTaken(tx, tenant.id, again.changes.name, locked.id))) throw appRefusal('name_taken', req.lang, 'name');
      const updated = await updateApp(tx, locked.id, again.changes);
      await appendAudit(tx, { ...tenantActor(tenant, req.ip), action: 'app.update', objectType: 'app', objectId: locked.id, details: { changes: describeChanges(locked, again.changes) } });
      return updated;
    });
    return { app, optOut: null };
  } catch (err) {
    if (isUniqueViolation(err)) throw appRefusal('name_taken', req.lang, 'name');
    throw err;
  }
}

function describeChanges(before: AppRow, changes: AppChanges): Record<string, { from: unknown; to: unknown }> {
  return Object.fromEntries(Object.entries(changes).map(([k, to]) => [k, { from: before[k as keyof AppChanges], to }]));
}

/** A new secret replaces the old one at once; it is shown once, in this answer only. */
export async function rotateAppSecret(deps: AppDeps, tenant: TenantRow, appId: string, req: TenantRequest): Promise<{ app: AppRow; secret: string }> {
  const secret = newAppSecret();
  const app = await deps.db.transaction(async (tx) => {
    const locked = await lockTenantApp(tx, tenant.id, appId);
    if (!locked) throw notFound('app');
    const updated = await updateApp(tx, locked.id, { appSecretHash: hashAppSecret(secret) });
    await appendAudit(tx, { ...tenantActor(tenant, req.ip), action: 'app.secret_rotate', objectType: 'app', objectId: locked.id, details: { appKey: locked.appKey } });
    return updated;
  });
  return { app, secret };
}

/** An admin sets how many apps a tenant may have (audited). Apps beyond a lowered quota stay; no new ones until below it. */
export async function changeAppQuota(
  deps: AppDeps,
  staff: Actor,
  tenantId: string,
  raw: unknown,
  req: TenantRequest,
): Promise<{ from: number; to: number }> {
  const text = typeof raw === 'string' ? raw.trim() : '';
  const quota = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(quota) || quota < 0 || quota > MAX_APP_QUOTA) {
    const message = translateWith(req.lang, 'apps.quotaInvalid', { max: String(MAX_APP_QUOTA) });
    throw new HttpError(422, 'validation_failed', message, [{ path: 'appQuota', message }]);
  }
  return deps.db.transaction(async (tx) => {
    const change = await setAppQuota(tx, tenantId, quota);
    if (!change) throw notFound('tenant');
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: staff.id,
      actorLabel: staff.name,
      ip: req.ip,
      action: 'tenant.app_quota',
      objectType: 'tenant',
      objectId: tenantId,
      details: change,
    });
    return change;
  });
}
