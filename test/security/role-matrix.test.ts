import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, notificationOutbox, storedFiles } from '../../db/schema.js';
import { and, eq, isNull } from 'drizzle-orm';
import type { Role } from '../../domain/review.js';
import { wavFile } from '../support/audio.js';
import { BackOfficeSession, decideInBackOffice } from '../support/back-office.js';
import { form } from '../support/files.js';
import { enterpriseForm, validActivation } from '../support/kinds.js';
import { xlsxFile } from '../support/numbers.js';
import { servedRoutes } from '../support/routes.js';
import { tenantObjects, type TenantObjects } from '../support/tenant-objects.js';
import { startTestApp, validTemplate, type TestApp, type TestTenant } from '../support/test-app.js';
import { until } from '../support/until.js';

/**
 * Who may do what, route by route. Every route the app serves is in MATRIX (a test fails when
 * one is added without a row, or a row outlives its route), and each is requested as each of
 * seven callers; the answer must be the status in the table.
 *
 * Callers: `anon` is a browser with no session (it has the login form's CSRF token and our
 * Origin, so what stops it is the sign-in, not the token); the four staff roles are signed-in
 * browsers with their CSRF token and Origin (on tenant API routes only their cookie goes, which
 * the API does not read); `tenant` is tenant A's API key on tenant A's objects; `other` is
 * tenant B's API key on tenant A's objects (on routes without an object, on its own). API keys
 * come without cookie, CSRF token or Origin, as an API client sends them.
 *
 * LOGIN means 303 to /login. A back-office POST from an API client is refused by the
 * same-origin check (403) before anything else.
 */

type Caller = 'anon' | 'reviewer' | 'supervisor' | 'admin' | 'auditor' | 'tenant' | 'other';
const CALLERS: Caller[] = ['anon', 'reviewer', 'supervisor', 'admin', 'auditor', 'tenant', 'other'];
const LOGIN = 'login';
type Expect = number | typeof LOGIN;

interface Ctx {
  a: TenantObjects;
  b: TenantObjects;
  tenantA: TestTenant;
  staffTarget: string;
  notice: string;
  file: string;
  bulk: string;
  revocableKey: string;
  deletableContact: string;
  /** Removed by an admin in the back office (the other one by the tenant through the API). */
  staffDeletableContact: string;
  deletableTemplate: string;
  deletableAudio: string;
}

interface Req {
  path: string;
  /** A back-office form (the CSRF token is added for browser callers). */
  form?: Record<string, string>;
  json?: unknown;
  multipart?: () => Promise<FormData>;
  /** Sent from a session signed in just for it (signing out must not end the caller's session). */
  fresh?: boolean;
}

const NO_VIEW = '00000000-0000-4000-8000-000000000000';
const contactBody = { name: '矩阵联系人', mobile: '13800138001', email: 'matrix@example.com', language: 'en', subscriptions: ['voice_template'] };

// prettier-ignore
//                                                                          anon    reviewer supervisor admin auditor tenant  other
const MATRIX: Record<string, [(c: Ctx) => Req, [Expect, Expect, Expect, Expect, Expect, Expect, Expect]]> = {
  // Open to everyone
  'GET /healthz':                                   [() => ({ path: '/healthz' }),                               [200,   200,     200,       200,  200,    200,    200]],
  'GET /metrics':                                   [() => ({ path: '/metrics' }),                               [200,   200,     200,       200,  200,    200,    200]], // loopback callers only (and the token)
  'GET /static/*':                                  [() => ({ path: '/static/favicon.svg' }),                    [200,   200,     200,       200,  200,    200,    200]],
  'GET /static/htmx.js':                            [() => ({ path: '/static/htmx.js' }),                        [200,   200,     200,       200,  200,    200,    200]],
  'GET /language/:lang':                            [() => ({ path: '/language/en' }),                           [303,   303,     303,       303,  303,    303,    303]],
  'GET /':                                          [() => ({ path: '/' }),                                      [303,   303,     303,       303,  303,    303,    303]],
  'GET /login':                                     [() => ({ path: '/login' }),                                 [200,   303,     303,       303,  303,    200,    200]],
  // A new e-mail each time: five failures for one e-mail would lock it.
  'POST /login':                                    [() => ({ path: '/login', form: { email: `nobody-${randomBytes(3).toString('hex')}@test.local`, password: 'wrong' } }), [401, 401, 401, 401, 401, 403, 403]],
  'POST /logout':                                   [() => ({ path: '/logout', form: {}, fresh: true }),         [LOGIN, LOGIN,   LOGIN,     LOGIN, LOGIN, 403,    403]], // signed out, back to the sign-in
  'POST /callbacks/sms-status':                     [() => ({ path: '/callbacks/sms-status', form: { smsMsgId: 'x', status: 'DELIVRD' } }), [401, 401, 401, 401, 401, 401, 401]], // the gateway's signature only
  'GET /api/v1/openapi.json':                       [() => ({ path: '/api/v1/openapi.json' }),                   [200,   200,     200,       200,  200,    200,    200]],

  // Every staff role reads the work
  'GET /queue':                                     [() => ({ path: '/queue' }),                                 [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /reviews/next':                              [() => ({ path: '/reviews/next' }),                          [LOGIN, 303,     303,       303,  303,    LOGIN,  LOGIN]],
  // Named queue views are each person's own: someone else's (here one that does not exist) is not found
  'GET /queue/views':                               [() => ({ path: '/queue/views' }),                           [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'POST /queue/views':                              [() => ({ path: '/queue/views', form: {} }),                 [LOGIN, 422,     422,       422,  422,    403,    403]],
  'GET /queue/views/:id/delete':                    [() => ({ path: `/queue/views/${NO_VIEW}/delete` }),         [LOGIN, 404,     404,       404,  404,    LOGIN,  LOGIN]],
  'POST /queue/views/:id/delete':                   [() => ({ path: `/queue/views/${NO_VIEW}/delete`, form: {} }), [LOGIN, 404,   404,       404,  404,    403,    403]],
  'GET /reviews/:id':                               [(c) => ({ path: `/reviews/${c.a.review}` }),                [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /dashboard':                                 [() => ({ path: '/dashboard' }),                             [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /tenants':                                   [() => ({ path: '/tenants' }),                               [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /tenants/:id':                               [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}` }),       [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /files/:id':                                 [(c) => ({ path: `/files/${c.file}` }),                      [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /bulk/:id':                                  [(c) => ({ path: `/bulk/${c.bulk}` }),                       [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /number-batches/:id':                        [(c) => ({ path: `/number-batches/${c.a.NU}` }),             [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /account/password':                          [() => ({ path: '/account/password' }),                      [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'POST /account/password':                         [() => ({ path: '/account/password', form: {} }),            [LOGIN, 422,     422,       422,  422,    403,    403]],

  // Notices hold contacts' addresses: supervisors, admins and auditors
  'GET /outbox':                                    [() => ({ path: '/outbox' }),                                [LOGIN, 403,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /outbox/:id':                                [(c) => ({ path: `/outbox/${c.notice}` }),                   [LOGIN, 403,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /dev/mailbox':                               [() => ({ path: '/dev/mailbox' }),                           [LOGIN, 403,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /dev/sms':                                   [() => ({ path: '/dev/sms' }),                               [LOGIN, 403,     200,       200,  200,    LOGIN,  LOGIN]],
  'POST /outbox/:id/resend':                        [(c) => ({ path: `/outbox/${c.notice}/resend`, form: {} }),  [LOGIN, 403,     409,       409,  403,    403,    403]], // only a failed notice is sent again

  // Statistics and the audit log: those who oversee the work
  'GET /statistics':                                [() => ({ path: '/statistics' }),                            [LOGIN, 403,     200,       200,  200,    LOGIN,  LOGIN]],
  'POST /statistics/export':                        [() => ({ path: '/statistics/export', form: {} }),           [LOGIN, 403,     400,       400,  400,    403,    403]],
  'GET /audit':                                     [() => ({ path: '/audit' }),                                 [LOGIN, 403,     200,       200,  200,    LOGIN,  LOGIN]],
  'POST /audit/export':                             [() => ({ path: '/audit/export', form: {} }),                [LOGIN, 403,     200,       200,  200,    403,    403]],

  // Deciding: reviewers, supervisors, admins; never auditors (422: the empty form is refused after the role passed)
  'POST /reviews/:id/claim':                        [(c) => ({ path: `/reviews/${c.a.review}/claim`, form: {} }),    [LOGIN, 422, 422, 422, 403, 403, 403]],
  'POST /reviews/:id/release':                      [(c) => ({ path: `/reviews/${c.a.review}/release`, form: {} }),  [LOGIN, 422, 422, 422, 403, 403, 403]],
  'POST /reviews/:id/decision':                     [(c) => ({ path: `/reviews/${c.a.review}/decision`, form: {} }), [LOGIN, 422, 422, 422, 403, 403, 403]],
  'POST /reviews/:id/reply':                        [(c) => ({ path: `/reviews/${c.a.review}/reply`, form: {} }),    [LOGIN, 422, 422, 422, 403, 403, 403]],
  'POST /reviews/:id/notify':                       [(c) => ({ path: `/reviews/${c.a.review}/notify`, form: {} }),   [LOGIN, 422, 422, 422, 403, 403, 403]],
  'POST /reviews/:id/notes':                        [(c) => ({ path: `/reviews/${c.a.review}/notes`, form: {} }),    [LOGIN, 422, 422, 422, 403, 403, 403]],
  // The heartbeat is htmx's; a plain post goes back to the review. Every staff role may be present.
  'POST /reviews/:id/presence':                     [(c) => ({ path: `/reviews/${c.a.review}/presence`, form: {} }), [LOGIN, 303, 303, 303, 303, 403, 403]],
  'GET /reviews/:id/numbers':                       [(c) => ({ path: `/reviews/${c.a.reviewOf[c.a.NO]}/numbers` }), [LOGIN, 303, 303, 303, 303, LOGIN, LOGIN]], // the form's address: the review's page
  'POST /reviews/:id/numbers':                      [(c) => ({ path: `/reviews/${c.a.reviewOf[c.a.NO]}/numbers`, form: {} }), [LOGIN, 422, 422, 422, 403, 403, 403]],
  'GET /queue/bulk':                               [() => ({ path: '/queue/bulk' }),                            [LOGIN, 303,     303,       303,  303,    LOGIN,  LOGIN]], // the form's address: the queue
  'POST /queue/bulk':                               [() => ({ path: '/queue/bulk', form: {} }),                  [LOGIN, 422,     422,       422,  403,    403,    403]],
  // Giving work to someone: supervisors and admins
  'POST /reviews/:id/assign':                       [(c) => ({ path: `/reviews/${c.a.review}/assign`, form: {} }),   [LOGIN, 403, 422, 422, 403, 403, 403]],
  // Freezing, resuming and cancelling a tenant's business type: supervisors and admins
  'POST /tenants/:id/services/:type/:action':       [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}/services/voice_callback/freeze`, form: {} }), [LOGIN, 403, 303, 303, 403, 403, 403]], // refused: back to the tenant page, the form as typed

  // Admins only: tenants' contacts, keys and quotas; staff; rules, calendar and notice wording
  'GET /tenants/new':                               [() => ({ path: '/tenants/new' }),                           [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'POST /tenants':                                  [() => ({ path: '/tenants', form: {} }),                     [LOGIN, 403,     403,       422,  403,    403,    403]],
  'POST /tenants/:id/contacts':                     [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}/contacts`, form: {} }),  [LOGIN, 403, 403, 303, 403, 403, 403]],
  'POST /tenants/:id/contacts/:contactId':          [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}/contacts/${c.a.contact}`, form: {} }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'POST /tenants/:id/contacts/:contactId/delete':   [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}/contacts/${c.staffDeletableContact}/delete`, form: { confirm: '1' } }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'POST /tenants/:id/app-quota':                    [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}/app-quota`, form: {} }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'POST /tenants/:id/api-keys':                     [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}/api-keys`, form: { label: 'matrix' } }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'POST /tenants/:id/api-keys/:keyId/revoke':       [(c) => ({ path: `/tenants/${c.tenantA.tenant.id}/api-keys/${c.revocableKey}/revoke`, form: { confirm: '1' } }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'GET /admin/staff':                               [() => ({ path: '/admin/staff' }),                           [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'POST /admin/staff':                              [() => ({ path: '/admin/staff', form: {} }),                 [LOGIN, 403,     403,       422,  403,    403,    403]],
  'GET /admin/staff/:id':                           [(c) => ({ path: `/admin/staff/${c.staffTarget}` }),         [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'POST /admin/staff/:id':                          [(c) => ({ path: `/admin/staff/${c.staffTarget}`, form: {} }), [LOGIN, 403,   403,       422,  403,    403,    403]],
  'POST /admin/staff/:id/active':                   [(c) => ({ path: `/admin/staff/${c.staffTarget}/active`, form: { active: '1' } }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'POST /admin/staff/:id/password':                 [(c) => ({ path: `/admin/staff/${c.staffTarget}/password`, form: {} }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'GET /admin/staff/:id/active':                    [(c) => ({ path: `/admin/staff/${c.staffTarget}/active` }),  [LOGIN, 403,     403,       303,  403,    LOGIN,  LOGIN]], // the form's address: the member's page
  'GET /admin/staff/:id/password':                  [(c) => ({ path: `/admin/staff/${c.staffTarget}/password` }), [LOGIN, 403,    403,       303,  403,    LOGIN,  LOGIN]],
  'GET /admin/rules':                               [() => ({ path: '/admin/rules' }),                           [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'GET /admin/rules/:kind':                         [() => ({ path: '/admin/rules/voice_template' }),             [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'POST /admin/rules/:kind':                        [() => ({ path: '/admin/rules/voice_template', form: {} }),  [LOGIN, 403,     403,       422,  403,    403,    403]],
  'POST /admin/rules/:kind/preview':                [() => ({ path: '/admin/rules/voice_template/preview', form: {} }), [LOGIN, 403, 403,    422,  403,    403,    403]],
  'GET /admin/rules/:kind/preview':                 [() => ({ path: '/admin/rules/voice_template/preview' }),     [LOGIN, 403,     403,       302,  403,    LOGIN,  LOGIN]],
  'GET /admin/rules/:kind/versions/:version/preview': [() => ({ path: '/admin/rules/voice_template/versions/0/preview?page=2' }), [LOGIN, 403, 403, 200, 403, LOGIN, LOGIN]],
  'GET /admin/rules/:kind/versions/:version':       [() => ({ path: '/admin/rules/voice_template/versions/0' }), [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'POST /admin/rules/:kind/versions/:version/preview': [() => ({ path: '/admin/rules/voice_template/versions/0/preview', form: {} }), [LOGIN, 403, 403, 200, 403, 403, 403]],
  'POST /admin/rules/:kind/versions/:version/restore': [() => ({ path: '/admin/rules/voice_template/versions/0/restore', form: {} }), [LOGIN, 403, 403, 303, 403, 403, 403]],
  'GET /admin/calendar':                            [() => ({ path: '/admin/calendar' }),                        [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'POST /admin/calendar':                           [() => ({ path: '/admin/calendar', form: {} }),              [LOGIN, 403,     403,       400,  403,    403,    403]],
  'GET /admin/calendar/preview':                    [() => ({ path: '/admin/calendar/preview' }),                [LOGIN, 403,     403,       302,  403,    LOGIN,  LOGIN]],
  'POST /admin/calendar/preview':                   [() => ({ path: '/admin/calendar/preview', form: {} }),      [LOGIN, 403,     403,       400,  403,    403,    403]],
  'GET /declarations':                              [() => ({ path: '/declarations' }),                          [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /declarations/:id':                          [() => ({ path: '/declarations/service_statement' }),        [LOGIN, 200,     200,       200,  200,    LOGIN,  LOGIN]],
  'GET /admin/declarations/:id':                    [() => ({ path: '/admin/declarations/service_statement' }), [LOGIN, 403,    403,       303,  403,    LOGIN,  LOGIN]], // the form's address: the declaration's page
  'POST /admin/declarations/:id':                   [() => ({ path: '/admin/declarations/service_statement', form: {} }), [LOGIN, 403, 403, 422, 403, 403, 403]], // an empty form comes back to be filled
  'GET /admin/templates':                           [() => ({ path: '/admin/templates' }),                       [LOGIN, 403,     403,       200,  403,    LOGIN,  LOGIN]],
  'GET /admin/templates/:event/:channel/:lang':     [() => ({ path: '/admin/templates/review.approved/email/en' }), [LOGIN, 403,  403,       200,  403,    LOGIN,  LOGIN]],
  'POST /admin/templates/:event/:channel/:lang':    [() => ({ path: '/admin/templates/review.approved/email/en', form: {} }), [LOGIN, 403, 403, 422, 403, 403, 403]],
  'POST /admin/templates/:event/:channel/:lang/preview': [() => ({ path: '/admin/templates/review.approved/email/en/preview', form: {} }), [LOGIN, 403, 403, 200, 403, 403, 403]],
  'POST /admin/templates/:event/:channel/:lang/reset': [() => ({ path: '/admin/templates/review.approved/email/en/reset', form: {} }), [LOGIN, 403, 403, 303, 403, 403, 403]],

  // The tenant API: the key's own tenant; staff cookies open nothing here; another tenant's key finds nothing of A's
  'GET /api/v1/services':                           [() => ({ path: '/api/v1/services' }),                       [401,   401,     401,       401,  401,    200,    200]],
  'GET /api/v1/reviews':                            [() => ({ path: '/api/v1/reviews' }),                        [401,   401,     401,       401,  401,    200,    200]],
  'GET /api/v1/reviews/:id':                        [(c) => ({ path: `/api/v1/reviews/${c.a.review}` }),         [401,   401,     401,       401,  401,    200,    404]],
  'POST /api/v1/reviews/:id/reminders':             [(c) => ({ path: `/api/v1/reviews/${c.a.review}/reminders`, json: {} }), [401, 401, 401, 401, 401, 429, 404]], // too early to remind
  'GET /api/v1/contacts':                           [() => ({ path: '/api/v1/contacts' }),                       [401,   401,     401,       401,  401,    200,    200]],
  'POST /api/v1/contacts':                          [() => ({ path: '/api/v1/contacts', json: contactBody }),    [401,   401,     401,       401,  401,    201,    201]], // each its own
  'PUT /api/v1/contacts/:id':                       [(c) => ({ path: `/api/v1/contacts/${c.a.contact}`, json: contactBody }), [401, 401, 401, 401, 401, 200, 404]],
  'DELETE /api/v1/contacts/:id':                    [(c) => ({ path: `/api/v1/contacts/${c.deletableContact}` }), [401,  401,     401,       401,  401,    204,    404]],
  'GET /api/v1/apps':                               [() => ({ path: '/api/v1/apps' }),                           [401,   401,     401,       401,  401,    200,    200]],
  'POST /api/v1/apps':                              [() => ({ path: '/api/v1/apps', json: { name: `matrix_${randomBytes(3).toString('hex')}`, businessType: 'voice_callback' } }), [401, 401, 401, 401, 401, 201, 201]],
  'GET /api/v1/apps/:id':                           [(c) => ({ path: `/api/v1/apps/${c.a.app}` }),               [401,   401,     401,       401,  401,    200,    404]],
  'PATCH /api/v1/apps/:id':                         [(c) => ({ path: `/api/v1/apps/${c.a.app}`, json: { recording: true } }), [401, 401, 401, 401, 401, 200, 404]],
  'POST /api/v1/apps/:id/secret':                   [(c) => ({ path: `/api/v1/apps/${c.a.app}/secret` }),        [401,   401,     401,       401,  401,    200,    404]],
  'POST /api/v1/voice-templates':                   [() => ({ path: '/api/v1/voice-templates', json: validTemplate({ name: `矩阵${randomBytes(2).toString('hex')}` }) }), [401, 401, 401, 401, 401, 201, 201]],
  'GET /api/v1/voice-templates/:id':                [(c) => ({ path: `/api/v1/voice-templates/${c.a.VT}` }),     [401,   401,     401,       401,  401,    200,    404]],
  'PUT /api/v1/voice-templates/:id':                [(c) => ({ path: `/api/v1/voice-templates/${c.a.VT}`, json: validTemplate() }), [401, 401, 401, 401, 401, 200, 404]],
  'DELETE /api/v1/voice-templates/:id':             [(c) => ({ path: `/api/v1/voice-templates/${c.deletableTemplate}` }), [401, 401, 401, 401, 401, 200, 404]],
  'POST /api/v1/service-activations':               [() => ({ path: '/api/v1/service-activations', json: validActivation({ businessType: 'voice_callback' }) }), [401, 401, 401, 401, 401, 409, 409]], // both already have it
  'GET /api/v1/service-activations/:id':            [(c) => ({ path: `/api/v1/service-activations/${c.a.SA}` }), [401,   401,     401,       401,  401,    200,    404]],
  'PUT /api/v1/service-activations/:id':            [(c) => ({ path: `/api/v1/service-activations/${c.a.SA}`, json: validActivation() }), [401, 401, 401, 401, 401, 200, 404]], // A's was rejected: resubmitted
  'POST /api/v1/enterprises':                       [() => ({ path: '/api/v1/enterprises', multipart: async () => enterpriseForm() }), [401, 401, 401, 401, 401, 201, 201]],
  'GET /api/v1/enterprises/:id':                    [(c) => ({ path: `/api/v1/enterprises/${c.a.EQ}` }),         [401,   401,     401,       401,  401,    200,    404]],
  'PUT /api/v1/enterprises/:id':                    [(c) => ({ path: `/api/v1/enterprises/${c.a.EQ}`, json: { declaration: '1', scenario: '快递通知', script: '您好' } }), [401, 401, 401, 401, 401, 200, 404]], // a new round
  'GET /api/v1/enterprises/:id/files/:field':       [(c) => ({ path: `/api/v1/enterprises/${c.a.EQ}/files/license` }), [401, 401,    401,       401,  401,    200,    404]],
  'GET /api/v1/declarations':                       [() => ({ path: '/api/v1/declarations' }),                   [401,   401,     401,       401,  401,    200,    200]],
  'GET /api/v1/number-unsubscriptions/template':    [() => ({ path: '/api/v1/number-unsubscriptions/template' }), [401,  401,     401,       401,  401,    200,    200]],
  'POST /api/v1/audio-files':                       [() => ({ path: '/api/v1/audio-files', multipart: async () => form({ name: '矩阵提示音' }, { file: { name: 'a.wav', content: wavFile() } }) }), [401, 401, 401, 401, 401, 201, 201]],
  'GET /api/v1/audio-files/:id':                    [(c) => ({ path: `/api/v1/audio-files/${c.a.AF}` }),         [401,   401,     401,       401,  401,    200,    404]],
  'GET /api/v1/audio-files/:id/file':               [(c) => ({ path: `/api/v1/audio-files/${c.a.AF}/file` }),    [401,   401,     401,       401,  401,    200,    404]],
  'DELETE /api/v1/audio-files/:id':                 [(c) => ({ path: `/api/v1/audio-files/${c.deletableAudio}` }), [401,  401,     401,       401,  401,    200,    404]],
  'POST /api/v1/number-orders':                     [(c) => ({ path: '/api/v1/number-orders', json: { enterpriseId: c.a.approvedEnterprise, appId: c.a.normalApp, contact: { name: '王经理', mobile: '13800138000' }, cities: [{ city: '北京', count: 1 }] } }), [401, 401, 401, 401, 401, 201, 422]], // B cannot order on A's enterprise
  'GET /api/v1/number-orders/:id':                  [(c) => ({ path: `/api/v1/number-orders/${c.a.NO}` }),       [401,   401,     401,       401,  401,    200,    404]],
  'GET /api/v1/numbers':                            [() => ({ path: '/api/v1/numbers' }),                        [401,   401,     401,       401,  401,    200,    200]],
  'POST /api/v1/number-unsubscriptions':            [(c) => ({ path: '/api/v1/number-unsubscriptions', multipart: async () => form({ note: '矩阵' }, { file: { name: 'n.xlsx', content: await xlsxFile([[c.a.numbers[3]!]]) } }) }), [401, 401, 401, 401, 401, 201, 201]], // B's batch fails its check
  'GET /api/v1/number-unsubscriptions/:id':         [(c) => ({ path: `/api/v1/number-unsubscriptions/${c.a.NU}` }), [401,  401,     401,       401,  401,    200,    404]],
  'GET /api/v1/number-unsubscriptions/:id/results': [(c) => ({ path: `/api/v1/number-unsubscriptions/${c.a.NU}/results` }), [401, 401, 401, 401, 401, 200, 404]],
};

let app: TestApp;
let tenantA: TestTenant;
let tenantB: TestTenant;
let ctx: Ctx;
/** One visitor without a session for the whole table (a fresh one where it signs out). */
let visitor: BackOfficeSession | undefined;
const staff: Partial<Record<Role, { session: BackOfficeSession; email: string; password: string }>> = {};

async function signIn(role: Role): Promise<BackOfficeSession> {
  const s = new BackOfficeSession(app.url);
  await s.login(staff[role]!.email, staff[role]!.password);
  await s.get('/account/password');
  return s;
}

beforeAll(async () => {
  app = await startTestApp({ notifications: true });
  tenantA = await app.addTenant();
  tenantB = await app.addTenant();
  const [a, b] = [await tenantObjects(app, tenantA), await tenantObjects(app, tenantB)];
  for (const role of ['reviewer', 'supervisor', 'admin', 'auditor'] as const) {
    const member = await app.addStaff(role);
    staff[role] = { session: new BackOfficeSession(app.url), email: member.email, password: member.password };
    await staff[role]!.session.login(member.email, member.password);
    // A page after signing in: the form token is bound to the session, not to the sign-in.
    await staff[role]!.session.get('/account/password');
  }
  const admin = staff.admin!.session;
  const target = await app.addStaff('reviewer');
  const extraTemplate = await app.api(tenantA, 'POST', '/voice-templates', validTemplate({ name: '待删模板' }));
  const extraAudio = await app.api(tenantA, 'POST', '/audio-files', form({ name: '待删提示音' }, { file: { name: 'b.wav', content: wavFile() } }));
  const extraContact = await app.api(tenantA, 'POST', '/contacts', { ...contactBody, email: 'delete-me@example.com' });
  const staffContact = await app.api(tenantA, 'POST', '/contacts', { ...contactBody, email: 'staff-deletes-me@example.com' });
  // The admin rejects one review (notices, and an application to resubmit) and approves another in bulk (a job to open).
  await decideInBackOffice(admin, a.reviewOf[a.SA]!, { outcome: 'rejected', reasonCode: 'other', reasonText: '请补充' });
  await admin.get('/queue');
  const bulk = await admin.postRaw('/queue/bulk', new URLSearchParams([['_csrf', admin.csrf], ['ids', a.reviewOf[a.NO]!], ['outcome', 'approved']]));
  await until(async () => (await app.api(tenantA, 'GET', `/service-activations/${a.SA}`)).body.status === 'rejected');
  await until(async () => (await app.api(tenantA, 'GET', `/number-unsubscriptions/${a.NU}`)).body.status !== 'checking');
  await until(async () => (await app.database.db.select({ id: notificationOutbox.id }).from(notificationOutbox)).length > 0);
  const [notice] = await app.database.db.select({ id: notificationOutbox.id }).from(notificationOutbox).limit(1);
  const [file] = await app.database.db.select({ id: storedFiles.id }).from(storedFiles).where(eq(storedFiles.subjectId, a.AF));
  const [key] = await app.database.db.select({ id: apiKeys.id }).from(apiKeys).where(and(eq(apiKeys.tenantId, tenantA.tenant.id), isNull(apiKeys.revokedAt)));
  const extraKey = await app.database.db.insert(apiKeys).values({ tenantId: tenantA.tenant.id, keyHash: randomBytes(32).toString('hex'), prefix: 'vrd_mtrx', label: 'to revoke' }).returning({ id: apiKeys.id });
  expect(key).toBeDefined();
  ctx = {
    a,
    b,
    tenantA,
    staffTarget: target.id,
    notice: notice!.id,
    file: file!.id,
    bulk: /\/bulk\/([0-9a-f-]{36})/.exec(bulk.headers.get('location') ?? '')![1]!,
    revocableKey: extraKey[0]!.id,
    deletableContact: extraContact.body.id,
    staffDeletableContact: staffContact.body.id,
    deletableTemplate: extraTemplate.body.templateId,
    deletableAudio: extraAudio.body.audioFileId ?? extraAudio.body.subjectId,
  };
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

/** Sends the route's request as the caller and says what came back (`login` for a redirect to sign in). */
async function ask(caller: Caller, method: string, req: Req): Promise<Expect> {
  const headers: Record<string, string> = {};
  let body: BodyInit | undefined;
  const browser = caller !== 'tenant' && caller !== 'other';
  let session: BackOfficeSession | undefined;
  if (caller === 'anon') {
    session = req.fresh ? new BackOfficeSession(app.url) : (visitor ??= new BackOfficeSession(app.url));
    if (!session.csrf) await session.get('/login');
  } else if (browser) {
    session = req.fresh ? await signIn(caller) : staff[caller]!.session;
  }
  const api = req.path.startsWith('/api/v1');
  if (session) headers.cookie = session.cookieHeader();
  if (browser && !api) headers.origin = new URL(app.url).origin;
  if (!browser) headers.authorization = `Bearer ${caller === 'tenant' ? tenantA.apiKey : tenantB.apiKey}`;
  if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams({ ...(session ? { _csrf: session.csrf } : {}), ...req.form });
  } else if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.multipart) {
    body = await req.multipart();
  }
  const res = await fetch(app.url + req.path, { method, headers, body, redirect: 'manual' });
  await res.arrayBuffer();
  if (res.status === 303 && (res.headers.get('location') ?? '').startsWith('/login')) return LOGIN;
  return res.status;
}

describe('who may do what', () => {
  it('when the app is asked for its routes, then each is in the matrix and the matrix has no route the app does not serve', () => {
    const served = servedRoutes(app.web.app).map((r) => `${r.method} ${r.path}`);
    expect(served.filter((r) => !(r in MATRIX)), 'routes without a row in MATRIX').toEqual([]);
    expect(Object.keys(MATRIX).filter((r) => !served.includes(r)), 'rows in MATRIX for routes the app does not serve').toEqual([]);
  });

  it('when the tenant API routes are listed, then each is in the OpenAPI document and the document lists no other', async () => {
    const doc = (await app.api(tenantA, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} /api/v1${p.replace(/\{(\w+)\}/g, ':$1')}`));
    const served = servedRoutes(app.web.app).map((r) => `${r.method} ${r.path}`).filter((r) => r.includes(' /api/v1/') && r !== 'GET /api/v1/openapi.json');
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });

  it.each(Object.entries(MATRIX))('when %s is asked by each caller, then each gets the status in the table', async (route, [build, expected]) => {
    const method = route.split(' ')[0]!;
    // The tenant's own request goes last: it may change what the others would find (a delete).
    const order: Caller[] = ['anon', 'reviewer', 'supervisor', 'auditor', 'other', 'admin', 'tenant'];
    const got: Partial<Record<Caller, Expect>> = {};
    for (const caller of order) got[caller] = await ask(caller, method, build(ctx));
    expect(CALLERS.map((c) => `${c}:${got[c]}`)).toEqual(CALLERS.map((c, i) => `${c}:${expected[i]}`));
  });
});

describe('cross-site request forgery', () => {
  /** Every row of every table a request could change, as one digest (notices left out: the dispatcher moves them on its own). */
  async function fingerprint(): Promise<string> {
    const tables = await app.database.db.execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('notification_outbox', 'notice_attempts', 'sms_report_nonces', '__drizzle_migrations') order by 1`);
    const parts: string[] = [];
    for (const { table_name } of tables) {
      const [row] = await app.database.db.execute<{ n: string; digest: string | null }>(sql.raw(`select count(*)::text as n, md5(string_agg(t::text, '|' order by t::text)) as digest from "${table_name}" t`));
      parts.push(`${table_name}:${row!.n}:${row!.digest}`);
    }
    return parts.join('\n');
  }

  it('when any state-changing back-office route is posted without its CSRF token, or with the token of another session, then 403 and nothing in the database changes', async () => {
    const posts = servedRoutes(app.web.app).filter((r) => r.method === 'POST' && !r.path.startsWith('/api/') && !r.path.startsWith('/callbacks/'));
    expect(posts.length).toBeGreaterThanOrEqual(30);
    const admin = await signIn('admin');
    // Let the work started before settle, so any change seen is the requests'.
    let before = await fingerprint();
    for (let i = 0, same = 0; i < 40 && same < 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const again = await fingerprint();
      same = again === before ? same + 1 : 0;
      before = again;
    }
    const reviewer = staff.reviewer!.session;
    const statuses: string[] = [];
    for (const route of posts) {
      const [build] = MATRIX[`POST ${route.path}`]!;
      const req = build(ctx);
      for (const [label, token] of [['no token', undefined], ["another session's token", reviewer.csrf]] as const) {
        const s = route.path === '/login' ? new BackOfficeSession(app.url) : admin;
        if (route.path === '/login') await s.get('/login');
        const form = new URLSearchParams({ ...req.form, ...(token ? { _csrf: token } : {}) });
        const res = await fetch(app.url + req.path, { method: 'POST', headers: { cookie: s.cookieHeader(), origin: new URL(app.url).origin, 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
        statuses.push(`${route.path} (${label}): ${res.status}`);
      }
    }
    expect(statuses.filter((s) => !s.endsWith(': 403'))).toEqual([]);
    const after = await fingerprint();
    expect(after.split('\n').filter((line) => !before.split('\n').includes(line)), 'tables changed').toEqual([]);
    // The admin is still signed in: the refused logout ended nothing.
    expect((await admin.get('/admin/staff')).status).toBe(200);
  });
});
