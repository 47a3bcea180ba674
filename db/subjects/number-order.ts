import { and, eq } from 'drizzle-orm';
import type { Tx } from '../client.js';
import { findTenantContact } from '../contacts.js';
import { readOrderFacts, type OrderGateFacts } from '../gates.js';
import { numbersOfOrder, orderProgress, findOrder, findOrderOfReview } from '../numbers.js';
import { serviceFacts } from '../services.js';
import { apps, enterprises, numberOrderCities, numberOrders } from '../schema.js';
import { orderGate } from '../../domain/gates.js';
import type { NumberOrderInput } from '../../domain/kinds/number-order.js';
import type { Refusal } from '../../domain/refusals.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import { translateIssue } from '../../domain/validation-messages.js';
import type { SubjectStore } from './store.js';

/** An order gate's refusal with the facts its wording names. */
export function orderRefusalParams(facts: OrderGateFacts): Record<string, string> {
  const n = facts.names;
  return {
    company: n.company,
    app: n.app,
    id: n.appId,
    enterpriseType: n.enterpriseType ?? '',
    appType: n.appType ?? '',
    businessType: n.appType ?? '',
    enterpriseStatus: facts.enterprise?.status ?? '',
    appStatus: facts.app?.status ?? '',
  };
}

/** Whether the order's enterprise, app and business type still allow it, read under share locks. */
export async function orderStillAllowed(tx: Tx, order: { tenantId: string; enterpriseId: string; appId: string }): Promise<Refusal | null> {
  const facts = await readOrderFacts(tx, order.tenantId, order.enterpriseId, order.appId, true);
  const refusal = orderGate(facts);
  return refusal ? { code: refusal.code, params: orderRefusalParams(facts) } : null;
}

export const numberOrderStore: SubjectStore<NumberOrderInput> = {
  /**
   * Only an approved, fixed-line enterprise of this tenant, qualified for the app's business type,
   * may order, for one of its apps in normal state whose type is active (domain/gates.ts). The rows
   * it reads are share-locked, so the order commits against what it checked.
   */
  async insert(tx, _deps, s) {
    const { input, tenant } = s;
    const facts = await readOrderFacts(tx, tenant.id, input.enterpriseId, input.appId, true);
    const refusal = orderGate(facts);
    if (refusal) {
      const params = orderRefusalParams(facts);
      const standing = refusal.code.startsWith('service_') && facts.app ? await serviceFacts(tx, tenant.id, facts.app.businessType) : {};
      throw new SubjectRefusal(refusal.status, refusal.code, refusal.code, refusal.path, { ...params, ...standing });
    }
    let contact = input.contact;
    if (input.contactId) {
      const named = await findTenantContact(tx, tenant.id, input.contactId);
      if (!named) throw new SubjectRefusal(422, 'validation_failed', translateIssue({ code: 'custom', message: 'v.contact_unknown' }, s.lang), 'contactId');
      contact = { name: named.name, mobile: named.mobile };
    }
    await tx.insert(numberOrders).values({
      id: s.subjectId,
      tenantId: tenant.id,
      reviewId: s.reviewId,
      enterpriseId: input.enterpriseId,
      appId: input.appId,
      contactName: contact!.name,
      contactMobile: contact!.mobile,
      contactId: input.contactId ?? null,
    });
    await tx.insert(numberOrderCities).values(input.cities.map((c, i) => ({ orderId: s.subjectId, city: c.city, position: i + 1, ordered: c.count })));
  },

  /** Approving an order checks the gates again: the enterprise, the app or the type may have changed since intake. */
  async approvalRefusal(tx, review) {
    const order = await findOrderOfReview(tx, review.id);
    return order ? orderStillAllowed(tx, order) : null;
  },

  async noticeContacts(db, subjectId) {
    const order = await findOrder(db, subjectId);
    return order?.contactId ? [order.contactId] : [];
  },

  async reviewOf(db, tenantId, subjectId) {
    const [row] = await db
      .select({ reviewId: numberOrders.reviewId })
      .from(numberOrders)
      .where(and(eq(numberOrders.id, subjectId), eq(numberOrders.tenantId, tenantId)));
    return row?.reviewId;
  },

  /** The order as the tenant placed it, with how many numbers each city has so far. */
  async tenantView(deps, subjectId) {
    const order = await findOrder(deps.db, subjectId);
    if (!order) return {};
    const cities = await orderProgress(deps.db, order.id);
    return {
      enterpriseId: order.enterpriseId,
      appId: order.appId,
      contactId: order.contactId,
      contact: { name: order.contactName, mobile: order.contactMobile },
      cities: cities.map((c) => ({ city: c.city, count: c.ordered, issued: c.issued })),
      issuedAt: order.issuedAt?.toISOString() ?? null,
    };
  },

  /** Cities with ordered and issued counts, the numbers issued so far, and what the order is for. */
  async staffView(deps, review) {
    const order = await findOrderOfReview(deps.db, review.id);
    if (!order) return {};
    const [progress, issued, [enterprise], [app]] = await Promise.all([
      orderProgress(deps.db, order.id),
      numbersOfOrder(deps.db, order.id),
      deps.db.select({ companyName: enterprises.companyName, status: enterprises.status }).from(enterprises).where(eq(enterprises.id, order.enterpriseId)),
      deps.db.select({ name: apps.name, status: apps.status }).from(apps).where(eq(apps.id, order.appId)),
    ]);
    return {
      order,
      enterprise,
      app,
      provisioning: review.status === 'provisioning',
      cities: progress.map((c, i) => ({
        ...c,
        index: i,
        remaining: c.ordered - c.issued,
        complete: c.issued >= c.ordered,
        numbers: issued.filter((n) => n.city === c.city),
      })),
      ordered: progress.reduce((n, c) => n + c.ordered, 0),
      issued: progress.reduce((n, c) => n + c.issued, 0),
    };
  },
};
