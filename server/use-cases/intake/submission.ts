import { randomBytes, randomUUID } from 'node:crypto';
import type { ZodType } from 'zod';
import { recordFiles, type NewStoredFile } from '../../../db/stored-files.js';
import type { Tx } from '../../../db/client.js';
import type { AnyKindDefinition } from '../../../domain/kinds/index.js';
import type { StagedFile } from '../../../files/store.js';
import type { AppDeps } from '../../deps.js';
import type { Language } from '../../../domain/labels.js';
import { issueDetails, validationWording, wordedError } from '../../errors.js';
import { translateWith } from '../../../i18n/index.js';

/** What a tenant handed in: the body (JSON, or a multipart form's text fields) and any files. */
export interface Submission {
  body: unknown;
  files: Record<string, StagedFile>;
  /** The body came as JSON (an edit of a multipart kind may be JSON). */
  json: boolean;
}

/** Subject ids: the kind's two letters + 16 characters of Crockford base32. */
export function newSubjectId(prefix: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return prefix + Array.from(randomBytes(16), (b) => alphabet[b % 32]).join('');
}

/** Validates the fields and, for multipart kinds, that every required file is there: all problems in one answer. */
export function parseSubmission<T>(def: AnyKindDefinition, schema: ZodType<T>, submission: Submission, lang: 'zh-CN' | 'en'): T {
  const parsed = schema.safeParse(submission.body);
  const missing: { path: string; label: Record<Language, string> }[] = [];
  if (def.intake.type === 'multipart' && !submission.json) {
    const fields = (submission.body ?? {}) as Record<string, unknown>;
    for (const [name, rule] of Object.entries(def.intake.files)) {
      const required = typeof rule.required === 'function' ? rule.required(fields) : rule.required;
      if (required && !submission.files[name]) missing.push({ path: name, label: rule.label });
    }
  }
  if (missing.length > 0 || !parsed.success) {
    const error = parsed.success ? undefined : parsed.error;
    throw wordedError(
      422,
      'validation_failed',
      (l) =>
        validationWording(l, [
          ...(error ? issueDetails(error, l) : []),
          ...missing.map((m) => ({ path: m.path, message: translateWith(l, 'api.multipart.fileRequired', { label: m.label[l] }) })),
        ]),
      {},
      lang,
    );
  }
  return parsed.data;
}

/** The files' identity for idempotency: a retry with the same content is the same request. */
export const fileDigests = (files: Record<string, StagedFile>) =>
  Object.fromEntries(Object.entries(files).map(([field, f]) => [field, f.sha256]).sort(([a], [b]) => String(a).localeCompare(String(b))));

/** Files move to their permanent place before the transaction that records them; undone if it fails. */
export async function keepFiles(deps: Pick<AppDeps, 'files'>, files: Record<string, StagedFile>): Promise<{ id: string; path: string; file: StagedFile }[]> {
  const kept = [];
  try {
    for (const file of Object.values(files)) {
      const id = randomUUID();
      kept.push({ id, path: await deps.files.keep(file, id), file });
    }
  } catch (err) {
    // One file that cannot be kept (a full disk) and the submission is refused: none of its files stays.
    await deps.files.forget(kept.map((k) => k.path));
    throw err;
  }
  return kept;
}

export async function recordKeptFiles(
  tx: Tx,
  kept: { id: string; path: string; file: StagedFile }[],
  owner: { tenantId: string; kind: string; subjectId: string; round: number },
): Promise<string[]> {
  const rows: NewStoredFile[] = kept.map((k) => ({
    id: k.id,
    ...owner,
    field: k.file.field,
    originalName: k.file.originalName,
    fileType: k.file.type ?? 'unknown',
    size: k.file.size,
    sha256: k.file.sha256,
    path: k.path,
  }));
  await recordFiles(tx, rows);
  return rows.map((r) => r.field);
}

/** A summary fit for one queue line: whitespace collapsed, at most 120 characters. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length > 120 ? `${chars.slice(0, 119).join('')}…` : flat;
}
