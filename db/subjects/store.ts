import type { RuleSet } from '../../domain/rule-set.js';
import type { Db, Tx } from '../client.js';
import type { ReviewRow } from '../reviews.js';
import type { TenantRow } from '../tenants.js';
import type { FieldCipher } from '../sealed-field.js';
import type { StoredFileRow } from '../stored-files.js';
import type { Language } from '../../domain/labels.js';
import type { Refusal } from '../../domain/refusals.js';
import type { Decision } from '../../domain/review.js';
import type { StagedFile } from '../../files/store.js';
import type { TenantNotice } from '../../notices/tenant-notices.js';

export interface SubjectDeps {
  db: Db;
  cipher: FieldCipher;
}

export interface NewSubject<Input> {
  tenant: TenantRow;
  reviewId: string;
  subjectId: string;
  input: Input;
  /** What readFiles found in the submitted files (undefined for kinds without it). */
  fromFiles?: unknown;
  /** The caller's language, for refusals. */
  lang: Language;
  /** The submitted files' SHA-256 by field. */
  fileDigests?: Record<string, string>;
}

export interface SubjectEdit {
  tenant: TenantRow;
  subjectId: string;
  /** The review as it stands, locked for this transaction. */
  review: ReviewRow;
  /** Validated with the kind's edit schema when `partial`, else with its full input schema. */
  input: unknown;
  partial: boolean;
  /** Files that came with the edit (a full resubmission of a multipart kind). */
  files: string[];
  /** Their SHA-256 by field. */
  fileDigests?: Record<string, string>;
}

/**
 * What an automatic check may use: the database (to read, and to record what it measured on its
 * own subject, idempotently: a retried check writes the same facts) and the submission's files.
 */
export interface PrecheckContext {
  db: Db;
  readFile(file: StoredFileRow, maxBytes: number): Promise<Buffer>;
}

/** What a withdrawal may do beyond its own rows: tell the tenant's contacts (in the same transaction). */
export interface WithdrawEffects {
  tell(notice: TenantNotice): Promise<number>;
}

/**
 * A failed check names its reason by code and keeps what it found as facts (`reasonParams`, or on
 * the subject itself), so each reader gets it worded in their language; it stores no text.
 */
export type PrecheckVerdict = { passed: true } | { passed: false; reasonCode: string; reasonText: string | null; reasonParams?: Record<string, unknown> };

/**
 * Where one kind's submitted objects live and what a decision does to them. The shared intake,
 * decision and page code call these; nothing else about the kind's tables leaks out.
 */
export interface SubjectStore<Input = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Reads what the submitted files hold (a spreadsheet's rows) before the intake transaction, so
   * a 201 means it is stored; may refuse in the tenant's language. Its result reaches insert.
   */
  readFiles?(files: Record<string, StagedFile>, lang: Language): Promise<unknown>;
  /** Writes the submitted object in the intake transaction; may refuse (409 already applied, 422 not allowed). */
  insert(tx: Tx, deps: SubjectDeps, s: NewSubject<Input>): Promise<void>;
  /** The review of this tenant's subject, or undefined when it is not theirs or was deleted. */
  reviewOf(db: Db | Tx, tenantId: string, subjectId: string): Promise<string | undefined>;
  /** Writes an edit (a new round); refuses when the subject may not be edited now. Returns a new queue title if it changed. */
  resubmit?(tx: Tx, deps: SubjectDeps, edit: SubjectEdit): Promise<{ title?: string }>;
  /** The tenant deleted it: hidden from them, history kept. What depended on it may tell the tenant's contacts. */
  withdraw?(tx: Tx, subjectId: string, effects: WithdrawEffects): Promise<void>;
  /** What the tenant API adds to the review view for this subject. */
  tenantView?(deps: SubjectDeps, subjectId: string): Promise<Record<string, unknown>>;
  /** The same, from the input intake has just written (so the answer to a submission reads nothing back). */
  tenantViewOfInput?(subjectId: string, input: Input): Record<string, unknown>;
  /** Plain data for the kind's review-page partial. */
  staffView(deps: SubjectDeps, review: ReviewRow, files: StoredFileRow[]): Promise<Record<string, unknown>>;
  /**
   * In the decision's transaction, before an approval is written: a rule checked at intake that
   * must still hold (the state it reads may have changed since), as a refusal, or null.
   */
  approvalRefusal?(tx: Tx, review: ReviewRow): Promise<Refusal | null>;
  /** Contacts that hear this subject's notices whatever they subscribe to (an order's business contact). */
  noticeContacts?(db: Db | Tx, subjectId: string): Promise<string[]>;
  /** In the decision's transaction: what the outcome changes beyond the review itself. */
  onDecision?(tx: Tx, review: ReviewRow, decision: Decision): Promise<void>;
  /** The automatic check before people look (kinds whose definition has a pre-check stage). */
  precheck?(ctx: PrecheckContext, review: ReviewRow, files: StoredFileRow[]): Promise<PrecheckVerdict>;
  /**
   * The same check, for a kind whose check needs only what was submitted and the rule set in force:
   * intake runs it, and a submission that passes is recorded as checked in its own transaction, so
   * its round needs no worker for the check. A failure is left to \`precheck\` in the worker, which
   * rejects through the decision path as always.
   */
  precheckInput?(input: Input, rules: RuleSet): PrecheckVerdict;
  /**
   * A decision's explanation worded in each language from facts the store kept (an automatic
   * check's measurements), or undefined to show the stored reasonText as it is. Notices, the
   * tenant API and the review page ask this; the stored text stays for everything else.
   */
  reasonWording?(db: Db | Tx, subjectId: string, reasonCode: string | null): Promise<Record<Language, string> | undefined>;
}
