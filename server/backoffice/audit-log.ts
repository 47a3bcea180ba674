import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { auditActionsInUse, auditObjectTypesInUse, eachAuditRow, searchAudit, type AuditFilter, type AuditRow } from '../../db/audit-search.js';
import type { Language } from '../../domain/labels.js';
import { actionCodes, currentAction } from '../../domain/audit-actions.js';
import { checkPeriod, dayIn, type DayRange } from '../../domain/reporting-period.js';
import { presetLinks } from '../insight/period-presets.js';
import type { AppDeps } from '../deps.js';
import { DISPLAY_TIME_ZONE, formatTime } from '../../i18n/format.js';
import { translate } from '../../i18n/index.js';
import { insightMessages } from '../../i18n/messages/insight.js';
import { CSV_BOM, CSV_CONTENT_TYPE, csvRow } from '../insight/csv.js';
import { actionLabel, actorName, actorTypeLabel, detailItems, detailsText, objectHref, objectName, objectTypeLabel } from '../insight/labels.js';
import { localIso } from '../insight/time.js';
import type { Csrf } from './csrf.js';
import { INSIGHT_READERS } from './insight-access.js';
import { renderPage, readerLanguage } from './render.js';
import { requireRole, staffOf } from './session.js';

const PAGE = 50;
const text = z.string().max(200).optional().catch(undefined).transform((v) => (v ?? '').trim());

/** The search form as typed. */
const form = z.object({
  actor: text,
  action: text,
  type: text,
  object: text,
  from: text,
  to: text,
  before: z.string().regex(/^\d{1,15}$/).optional().catch(undefined),
});
type AuditForm = z.infer<typeof form>;

type Checked = { ok: true; filter: AuditFilter } | { ok: false; errors: Partial<Record<'from' | 'to', string>> };

function checkForm(f: AuditForm, lang: Language): Checked {
  let period: DayRange | undefined;
  if (f.from || f.to) {
    // Any length of history may be searched: the id keyset keeps each page one index range.
    const checked = checkPeriod({ from: f.from, to: f.to }, { maxMonths: null });
    if (!checked.ok) {
      const errors: Partial<Record<'from' | 'to', string>> = {};
      for (const p of checked.problems) errors[p.field] ??= translate(lang, `insight.problem.${p.code}`);
      return { ok: false, errors };
    }
    period = checked.range;
  }
  return {
    ok: true,
    filter: {
      actor: f.actor || undefined,
      actions: f.action ? actionCodes(f.action) : undefined,
      objectType: f.type || undefined,
      objectId: f.object || undefined,
      period: period && { ...period, timeZone: DISPLAY_TIME_ZONE },
      beforeId: f.before ? Number(f.before) : undefined,
    },
  };
}

const KNOWN_ACTIONS = Object.keys(insightMessages).filter((k) => k.startsWith('insight.action.')).map((k) => k.slice('insight.action.'.length));
const KNOWN_TYPES = Object.keys(insightMessages).filter((k) => k.startsWith('insight.objectType.')).map((k) => k.slice('insight.objectType.'.length));

/** Worded codes and the codes the log actually holds, so a new action can be searched before anyone words it. */
function choices(known: string[], inUse: string[], chosen: string, label: (c: string) => { text: string; unknownCode?: string }) {
  const codes = [...new Set([...known, ...inUse, ...(chosen ? [chosen] : [])])];
  return codes
    .map((code) => {
      const l = label(code);
      return { value: code, label: l.unknownCode ? `${l.text}: ${code}` : l.text, selected: code === chosen };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}

function rowView(row: AuditRow, lang: Language) {
  return {
    id: row.id,
    when: formatTime(row.at, lang),
    isoAt: row.at.toISOString(),
    actor: actorName(row.actorType, row.actorLabel, lang),
    actorType: actorTypeLabel(row.actorType, lang),
    action: actionLabel(row.action, lang),
    objectType: objectTypeLabel(row.objectType, lang),
    objectId: row.objectId,
    objectHref: objectHref(row.objectType, row.objectId),
    objectName: objectName(row.objectType, row.objectId, lang),
    ip: row.ip,
    details: detailItems(row.details, lang),
  };
}

/** Waits until the reader takes more, or has gone away (then the export stops). */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function searchParams(f: AuditForm, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ actor: f.actor, action: f.action, type: f.type, object: f.object, from: f.from, to: f.to, ...extra })) if (v) p.set(k, v);
  return p.toString();
}

/** The append-only audit log, searched and exported. Nothing here changes it: it has no route that could. */
export function auditLogRouter(deps: AppDeps, csrf: Csrf): Router {
  const r = Router();
  const readers = requireRole(...INSIGHT_READERS);

  const show = async (req: Request, res: Response, f: AuditForm) => {
    const lang = readerLanguage(req, res);
    const checked = checkForm(f, lang);
    const [actions, types] = await Promise.all([auditActionsInUse(deps.db), auditObjectTypesInUse(deps.db)]);
    const common = {
      title: 'insight.audit.title',
      form: f,
      actions: choices(KNOWN_ACTIONS.map(currentAction), actions.map(currentAction), currentAction(f.action), (c) => actionLabel(c, lang)),
      objectTypes: choices(KNOWN_TYPES, types, f.type, (c) => objectTypeLabel(c, lang)),
      exportFields: { actor: f.actor, action: f.action, type: f.type, object: f.object, from: f.from, to: f.to },
      presets: presetLinks(dayIn(deps.now(), DISPLAY_TIME_ZONE), lang, f, (range) => `/audit?${searchParams(f, { from: range.from, to: range.to })}`),
    };
    if (!checked.ok) {
      renderPage(req, res, csrf, 'audit', 'audit-body', { ...common, errors: checked.errors, rows: [] }, 422);
      return;
    }
    const page = await searchAudit(deps.db, checked.filter, PAGE);
    const appending = f.before !== undefined;
    renderPage(req, res, csrf, 'audit', appending ? 'audit-rows' : 'audit-body', {
      ...common,
      errors: {},
      searched: true,
      rows: page.rows.map((row) => rowView(row, lang)),
      appending,
      nextUrl: page.next === null ? null : `/audit?${searchParams(f, { before: String(page.next) })}`,
      newestUrl: appending ? `/audit?${searchParams(f)}` : null,
    });
  };

  r.get('/audit', readers, async (req, res) => show(req, res, form.parse(req.query)));

  r.post('/audit/export', readers, csrf.protect, async (req, res) => {
    const f = form.parse({ ...(req.body as Record<string, unknown>), before: undefined });
    const lang = readerLanguage(req, res);
    const checked = checkForm(f, lang);
    if (!checked.ok) {
      await show(req, res, f);
      return;
    }
    const staff = staffOf(res);
    const filter = checked.filter;
    // Recorded before the first byte leaves: an export that breaks off halfway was still an export.
    await appendAudit(deps.db, {
      actorType: 'staff',
      actorId: staff.id,
      actorLabel: staff.name,
      action: 'audit.export',
      objectType: 'audit_log',
      objectId: null,
      ip: req.ip ?? null,
      details: {
        format: 'csv',
        filters: {
          actor: filter.actor ?? null,
          action: f.action || null,
          objectType: filter.objectType ?? null,
          objectId: filter.objectId ?? null,
          firstDay: filter.period?.from ?? null,
          lastDay: filter.period?.to ?? null,
        },
      },
    });
    res.attachment(`audit-log-${localIso(deps.now(), DISPLAY_TIME_ZONE).slice(0, 10)}.csv`).type(CSV_CONTENT_TYPE);
    const t = (k: string) => translate(lang, k);
    res.write(
      CSV_BOM +
        csvRow([
          t('insight.audit.id'),
          t('insight.audit.time'),
          t('insight.audit.actorType'),
          t('insight.audit.actor'),
          t('insight.audit.action'),
          t('insight.audit.code'),
          t('insight.audit.objectType'),
          t('insight.audit.objectTypeCode'),
          t('insight.audit.objectId'),
          t('insight.audit.ip'),
          t('insight.audit.details'),
        ]),
    );
    for await (const row of eachAuditRow(deps.db, filter)) {
      const line = csvRow([
        row.id,
        localIso(row.at, DISPLAY_TIME_ZONE),
        actorTypeLabel(row.actorType, lang).text,
        row.actorLabel,
        actionLabel(row.action, lang).text,
        row.action,
        objectTypeLabel(row.objectType, lang).text,
        row.objectType,
        row.objectId,
        row.ip,
        detailsText(row.details, lang),
      ]);
      if (!res.write(line)) await drainedOrClosed(res);
      if (res.destroyed) return;
    }
    res.end();
  });

  return r;
}
