import { and, eq } from 'drizzle-orm';
import { findTenantApp } from '../apps.js';
import { numbersOfOrder, orderProgress, findOrder, findOrderOfReview } from '../numbers.js';
import { apps, enterprises, numberOrderCities, numberOrders } from '../schema.js';
import type { NumberOrderInput } from '../../domain/kinds/number-order.js';
import { SubjectRefusal } from '../../domain/subject-refusal.js';
import type { SubjectStore } from './store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const numberOrderStore: SubjectStore<NumberOrderInput> = {
  /**
   * Only an approved enterprise of this tenant with one of its apps in normal state may order.
   * The enterprise row is read under a share lock, so the order commits against what it checked.
   */
  async insert(tx, _deps, s) {
    const { input, tenant } = s;
    const [enterprise] = await tx
      .select({ status: enterprises.status })
      .from(enterprises)
      .where(and(eq(enterprises.id, input.enterpriseId), eq(enterprises.tenantId, tenant.id)))
      .for('share');
    if (enterprise?.status !== 'approved') {
      const why = enterprise ? `enterprise ${input.enterpriseId} is ${enterprise.status}, not approved` : `no enterprise ${input.enterpriseId} of this tenant`;
      throw new SubjectRefusal(422, 'enterprise_not_approved', `${why}: only an approved enterprise may order numbers`, 'enterpriseId');
    }
    const app = UUID.test(input.appId) ? await findTenantApp(tx, tenant.id, input.appId) : undefined;
    if (app?.status !== 'normal') {
      const why = app ? `app ${input.appId} is ${app.status}, not normal` : `no app ${input.appId} of this tenant`;
      throw new SubjectRefusal(422, 'app_not_normal', `${why}: numbers are ordered for an app in normal state`, 'appId');
    }
    await tx.insert(numberOrders).values({
      id: s.subjectId,
      tenantId: tenant.id,
      reviewId: s.reviewId,
      enterpriseId: input.enterpriseId,
      appId: app.id,
      contactName: input.contact.name,
      contactMobile: input.contact.mobile,
    });
    await tx.insert(numberOrderCities).values(input.cities.map((c, i) => ({ orderId: s.subjectId, city: c.city, position: i + 1, ordered: c.count })));
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
