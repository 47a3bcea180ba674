import type { z } from 'zod';
import type { KindChecks } from '../checks.js';
import type { DeclarationId } from '../declarations.js';
import type { Language } from '../labels.js';
import type { RejectionReason } from '../rejection-reasons.js';
import type { ReviewKind } from '../review.js';
import type { DeadlineRule } from '../working-time.js';

/** A file type judged by the file's content, never by its name or declared type. */
export type FileType = 'jpg' | 'png' | 'rar' | 'zip' | 'wav' | 'xlsx';

export interface FileRule {
  types: readonly FileType[];
  maxBytes: number;
  /** Required always, never, or when the text fields say so (e.g. fixed-line numbers need signed letters). */
  required: boolean | ((fields: Record<string, unknown>) => boolean);
  label: Record<Language, string>;
}

/**
 * How a tenant hands a submission in: a JSON body, or a multipart form whose text fields the
 * schema validates and whose files are checked by content while they stream in.
 */
export type Intake =
  | { type: 'json' }
  | { type: 'multipart'; files: Record<string, FileRule> };

/** The tenant API routes a kind has; a kind opened by another route (an app's PATCH) has none. */
export interface KindApi {
  /** Collection path under /api/v1, e.g. "voice-templates". */
  path: string;
  /** PUT /{path}/{id} opens a new round with the edited submission. */
  resubmit: boolean;
  /** DELETE /{path}/{id} withdraws a pending review (and hides the subject). */
  withdraw: boolean;
  /** The extra name the submitted object's id also goes by in answers (e.g. templateId). */
  idAlias?: string;
  summary: string;
}

/**
 * The stages of one submission's lifecycle. An automatic pre-check runs before any person looks;
 * review rounds are where staff decide; fulfilment runs after approval (numbers provisioned) or,
 * for kinds nobody reviews, is the whole lifecycle (an unsubscribe batch).
 */
export interface Stages {
  precheck: boolean;
  review: boolean;
  fulfilment: 'provisioning' | 'batch' | null;
}

/** Everything particular to one review kind; the shared machinery reads nothing else. */
export interface KindDefinition<Input = unknown> {
  kind: ReviewKind;
  label: Record<Language, string>;
  /** Two capital letters that start every subject id of this kind ("VT" + 16 base32 characters). */
  subjectPrefix: string;
  /** Validates the submitted fields (for multipart intake: the text fields). */
  input: z.ZodType<Input>;
  /** A multipart kind that also takes its submission as JSON (the same thing said another way). */
  jsonInput?: z.ZodType<Input>;
  /** Validates an edit (PUT); defaults to `input`. */
  editInput?: z.ZodType<unknown>;
  intake: Intake;
  api: KindApi | null;
  /** A short label for queues and notices, from what was submitted. */
  title(input: Input): string;
  /** What was submitted in one line for the queue (at most about 120 characters). */
  summary?(input: Input): string;
  /** What the review's timeline keeps of a submission, to show what an edit changed: sensitive fields masked. */
  snapshot?(input: unknown): Record<string, unknown>;
  deadlines: { review: DeadlineRule; fulfilment?: DeadlineRule };
  rejectionReasons: RejectionReason[];
  /** Contacts subscribed to this hear the outcome. */
  subscription: ReviewKind;
  /** The declaration the tenant must accept, in its version in force, with every submission and edit. */
  declaration?: DeclarationId;
  stages: Stages;
  /** Default limits of the automatic checks this kind runs (admins adjust them in its rule set). */
  checks?: KindChecks;
}

/** A definition whose input type is erased, as the registry holds them. */
export type AnyKindDefinition = KindDefinition<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineKind<Input>(def: KindDefinition<Input>): KindDefinition<Input> {
  if (!/^[A-Z]{2}$/.test(def.subjectPrefix)) throw new Error(`${def.kind}: subjectPrefix must be two capital letters`);
  if (!def.rejectionReasons.some((r) => r.code === 'other')) throw new Error(`${def.kind}: the reason catalogue needs "other"`);
  return def;
}
