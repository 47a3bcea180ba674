import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import type { Db, Tx } from '../../db/client.js';
import { acceptancesOf, insertDeclarationVersion, newestPublished, publishedVersions } from '../../db/declarations.js';
import { DECLARATION_FIELD, DECLARATION_IDS, isDeclarationId, judgeDeclaration, type DeclarationId } from '../../domain/declarations.js';
import type { Language } from '../../domain/labels.js';
import type { Actor } from '../../domain/review.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { translate, translateWith } from '../../i18n/index.js';

/** Version 1 of each declaration is the wording the product ships with; admins publish 2, 3, … */
export const FIRST_VERSION = 1;

export interface DeclarationText {
  id: DeclarationId;
  version: number;
  title: Record<Language, string>;
  text: Record<Language, string>;
  publishedAt: Date | null;
  publishedBy: string | null;
}

const firstVersion = (id: DeclarationId): DeclarationText => ({
  id,
  version: FIRST_VERSION,
  title: { 'zh-CN': translate('zh-CN', `declaration.${id}.title`), en: translate('en', `declaration.${id}.title`) },
  text: { 'zh-CN': translate('zh-CN', `declaration.${id}.text`), en: translate('en', `declaration.${id}.text`) },
  publishedAt: null,
  publishedBy: null,
});

/** Each declaration in the version in force: the newest published, else the first. */
export async function declarationsInForce(db: Db | Tx): Promise<DeclarationText[]> {
  const newest = await newestPublished(db);
  return DECLARATION_IDS.map((id) => {
    const row = newest.get(id);
    return row
      ? { id, version: row.version, title: { 'zh-CN': row.titleZh, en: row.titleEn }, text: { 'zh-CN': row.textZh, en: row.textEn }, publishedAt: row.publishedAt, publishedBy: row.publishedBy }
      : firstVersion(id);
  });
}

export async function declarationInForce(db: Db | Tx, id: DeclarationId): Promise<DeclarationText> {
  return (await declarationsInForce(db)).find((d) => d.id === id)!;
}

/** Every version of a declaration, newest first; older versions stay readable. */
export async function declarationHistory(db: Db | Tx, id: DeclarationId): Promise<(DeclarationText & { publishedByName: string | null })[]> {
  const rows = await publishedVersions(db, id);
  return [
    ...rows.map((r) => ({
      id,
      version: r.version,
      title: { 'zh-CN': r.titleZh, en: r.titleEn },
      text: { 'zh-CN': r.textZh, en: r.textEn },
      publishedAt: r.publishedAt,
      publishedBy: r.publishedBy,
      publishedByName: r.publishedByName,
    })),
    { ...firstVersion(id), publishedByName: null },
  ];
}

/** The declaration's field taken out of a submission's body (the kind's own schema knows nothing of it). */
export function splitDeclaration(body: unknown): { body: unknown; given: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { body, given: undefined };
  const { [DECLARATION_FIELD]: given, ...rest } = body as Record<string, unknown>;
  return { body: rest, given };
}

/**
 * A submission must name the version in force of its kind's declaration: absent is 422
 * `declaration_required`, an older one 422 `declaration_outdated`, anything else 422
 * `declaration_unknown`. Returns the version accepted.
 */
export async function acceptDeclaration(db: Db, id: DeclarationId, given: unknown, lang: Language): Promise<number> {
  const inForce = await declarationInForce(db, id);
  const problem = judgeDeclaration(given, inForce.version);
  if (problem) {
    // What was sent, quoted short: a string as written, anything else by its type (it may be a deep structure).
    const shown = typeof given === 'string' ? [...given].slice(0, 20).join('') : Array.isArray(given) ? 'array' : given === null ? 'null' : typeof given;
    const message = translateWith(lang, `declaration.${problem}`, { title: inForce.title[lang], version: String(inForce.version), given: shown });
    throw new HttpError(422, problem, message, [{ path: DECLARATION_FIELD, message }]);
  }
  return inForce.version;
}

const publishForm = z.object({
  titleZh: z.string().trim().min(1).max(100),
  titleEn: z.string().trim().min(1).max(100),
  textZh: z.string().trim().min(1).max(10_000),
  textEn: z.string().trim().min(1).max(10_000),
});

/**
 * An admin publishes a new version of a declaration in both languages. It is in force at once;
 * older versions stay readable. Publishing what is in force publishes nothing. Audited.
 */
export async function publishDeclaration(
  deps: Pick<AppDeps, 'db'>,
  actor: Actor,
  id: string,
  body: unknown,
  meta: { ip: string | null; lang: Language },
): Promise<{ version: number; published: boolean; title: string }> {
  if (actor.role !== 'admin') throw new HttpError(403, 'forbidden', 'only admins publish declarations');
  const declaration = DECLARATION_IDS.find((d) => d === id);
  if (!declaration) throw notFound('declaration');
  const parsed = publishForm.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, meta.lang);
  const v = parsed.data;
  return deps.db.transaction(async (tx) => {
    // One publisher at a time per declaration, so two never take the same version.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`declaration:${declaration}`}))`);
    const current = await declarationInForce(tx, declaration);
    const same = current.title['zh-CN'] === v.titleZh && current.title.en === v.titleEn && current.text['zh-CN'] === v.textZh && current.text.en === v.textEn;
    if (same) return { version: current.version, published: false, title: current.title[meta.lang] };
    const version = current.version + 1;
    await insertDeclarationVersion(tx, { declarationId: declaration, version, ...v, publishedBy: actor.id });
    await appendAudit(tx, {
      actorType: 'staff',
      actorId: actor.id,
      actorLabel: actor.name,
      ip: meta.ip,
      action: 'declaration.publish',
      objectType: 'declaration',
      objectId: declaration,
      details: { version, previous: current.version, titleZh: v.titleZh, titleEn: v.titleEn },
    });
    return { version, published: true, title: meta.lang === 'zh-CN' ? v.titleZh : v.titleEn };
  });
}

/** What a review's submissions accepted, with each version's title, for the review page. */
export async function acceptedDeclarations(db: Db | Tx, reviewId: string) {
  const rows = await acceptancesOf(db, reviewId);
  const titles = new Map<string, Record<Language, string>>();
  for (const id of new Set(rows.map((r) => r.declarationId))) {
    if (!isDeclarationId(id)) continue;
    for (const v of await declarationHistory(db, id)) titles.set(`${id}:${v.version}`, v.title);
  }
  return rows.map((r) => ({ declarationId: r.declarationId, version: r.version, round: r.round, acceptedAt: r.acceptedAt, title: titles.get(`${r.declarationId}:${r.version}`) ?? { 'zh-CN': r.declarationId, en: r.declarationId } }));
}
