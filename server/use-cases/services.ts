import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { isBusinessType, lockService, markActivationCancelled, setServiceState } from '../../db/services.js';
import { queueTenantNotices } from '../../notices/tenant-notices.js';
import { BUSINESS_TYPE_LABELS } from '../../domain/business-types.js';
import { serviceActivationKind } from '../../domain/kinds/service-activation.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import { SERVICE_ACTIONS, type ServiceAction } from '../../domain/service-actions.js';
import type { AppDeps } from '../deps.js';
import { conflict, HttpError, notFound, validationFailed } from '../errors.js';

const actionForm = z.object({
  reason: z.string().trim().min(1).max(200),
});

/**
 * Staff freeze, resume or cancel a tenant's business type, always with a reason. The change,
 * its audit row (freezeVoiceCallService, resumeVoiceCallService, cancelVoiceCallService) and
 * the notices to the contacts subscribed to service news are one transaction.
 */
export async function changeService(
  deps: Pick<AppDeps, 'db'>,
  actor: Actor,
  tenantId: string,
  businessType: string,
  action: ServiceAction,
  body: unknown,
  meta: { ip?: string | null; lang: Language },
): Promise<{ state: string; told: number }> {
  if (actor.role !== 'supervisor' && actor.role !== 'admin') throw new HttpError(403, 'forbidden', 'only supervisors and admins change a tenant’s services');
  if (!isBusinessType(businessType)) throw notFound('business type');
  const parsed = actionForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, meta.lang);
  const { reason } = parsed.data;
  const rule = SERVICE_ACTIONS[action];
  return deps.db.transaction(async (tx) => {
    const service = await lockService(tx, tenantId, businessType);
    if (!service) throw notFound('service');
    if (!(rule.from as readonly string[]).includes(service.state)) {
      throw conflict(meta.lang === 'zh-CN' ? `当前状态（${service.state}）不能执行该操作` : `a ${service.state} service cannot be ${rule.to === 'active' ? 'resumed' : rule.to}`);
    }
    await setServiceState(tx, service, rule.to, reason);
    if (action === 'cancel') await markActivationCancelled(tx, service.activationId);
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      action: rule.audit,
      objectType: 'tenant_service',
      objectId: `${tenantId}:${businessType}`,
      ip: meta.ip ?? null,
      details: { businessType, from: service.state, to: rule.to, reason, activationId: service.activationId },
    });
    const told = await queueTenantNotices(tx, {
      tenantId,
      subscription: serviceActivationKind.subscription,
      event: rule.notice,
      outboxEvent: rule.notice,
      cause: `${tenantId}:${businessType}:${action}:${Date.now()}`,
      facts: (language) => ({ businessType: BUSINESS_TYPE_LABELS[businessType][language], reason }),
    });
    return { state: rule.to, told };
  });
}
