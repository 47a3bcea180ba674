import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** A timestamp column with its time zone (kinds' tables in db/subjects/ use these too). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => ts('created_at').notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  appQuota: integer('app_quota').notNull().default(5),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    /** First characters of the key, shown to admins so they can tell keys apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole key: keys are long random strings, so a fast hash is enough. */
    keyHash: text('key_hash').notNull().unique(),
    label: text('label').notNull().default(''),
    createdAt: createdAt(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId)],
);

export const staff = pgTable(
  'staff',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['reviewer', 'supervisor', 'admin', 'auditor'] }).notNull(),
    language: text('language', { enum: ['zh-CN', 'en'] }).notNull().default('zh-CN'),
    active: boolean('active').notNull().default(true),
    /** The review kinds a reviewer handles; empty: every kind. */
    kinds: text('kinds').array().notNull().default(sql`'{}'::text[]`),
    /** Set by an invitation or a reset: the first sign-in must choose a new password. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('staff_email_lower_idx').on(sql`lower(${t.email})`),
    check('staff_role_check', sql`${t.role} in ('reviewer','supervisor','admin','auditor')`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a leaked table does not leak live sessions. */
    idHash: text('id_hash').primaryKey(),
    staffId: uuid('staff_id').notNull().references(() => staff.id),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_staff_idx').on(t.staffId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** The read model of every review: one row per review, updated by activities as rounds move. */
export const reviews = pgTable(
  'reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    /** The reviewed object's own id (e.g. the voice template id issued at submission). */
    subjectId: text('subject_id').notNull(),
    /** Short label for queues ("template 快递通知"). */
    title: text('title').notNull(),
    /** What was submitted, in one line for the queue (the kind's summary of it). */
    summary: text('summary').notNull().default(''),
    round: integer('round').notNull().default(1),
    status: text('status').notNull(),
    submittedAt: ts('submitted_at').notNull(),
    firstSubmittedAt: ts('first_submitted_at').notNull(),
    dueAt: ts('due_at').notNull(),
    dueRule: jsonb('due_rule').notNull(),
    /** When the at-risk share of the round's working time has passed (null on rows from before it existed). */
    atRiskAt: ts('at_risk_at'),
    /** Bumped whenever a recompute moves this round's deadline; workflows ignore older versions. */
    deadlineVersion: integer('deadline_version').notNull().default(0),
    /**
     * A recompute moved this round's next timer earlier, to this instant, and has not told its
     * workflow yet: the deadline signaller does so shortly before (signals spread over time).
     */
    timerSignalDueAt: ts('timer_signal_due_at'),
    /** The rules version (app_settings 'rules_version') dueAt was computed under; a recompute brings every open round up to date. */
    rulesVersion: integer('rules_version').notNull().default(0),
    slaState: text('sla_state', { enum: ['on_track', 'at_risk', 'breached'] }).notNull().default('on_track'),
    /** The deadline state as a sort key: 0 breached, 1 at risk, 2 on track. */
    urgency: integer('urgency')
      .notNull()
      .generatedAlwaysAs(sql`case sla_state when 'breached' then 0 when 'at_risk' then 1 else 2 end`),
    assigneeId: uuid('assignee_id').references(() => staff.id),
    /** When the current holder took it; a claim left idle longer than the configured time lapses. */
    assignedAt: ts('assigned_at'),
    reminderStatus: text('reminder_status', { enum: ['none', 'reminded'] }).notNull().default('none'),
    reminderCount: integer('reminder_count').notNull().default(0),
    reminderLastAt: ts('reminder_last_at'),
    /** The open reminder must be answered (a decision or a staff reply) by then, or it escalates. */
    reminderAnswerDueAt: ts('reminder_answer_due_at'),
    /**
     * Queue order is (queueBucket, dueAt, id), all ascending so keyset pagination is one row
     * comparison on one index: bucket 0 holds reminded reviews, bucket 1 everything else.
     */
    queueBucket: integer('queue_bucket').notNull().default(1),
    decisionOutcome: text('decision_outcome', { enum: ['approved', 'rejected'] }),
    decisionReasonCode: text('decision_reason_code'),
    decisionReasonText: text('decision_reason_text'),
    decidedAt: ts('decided_at'),
    decidedBy: uuid('decided_by').references(() => staff.id),
    workflowId: text('workflow_id').notNull(),
    /** Null until the round's workflow is known to run; a sweeper starts any left behind. */
    workflowStartedAt: ts('workflow_started_at'),
    /**
     * When the stage after the review (numbers provisioned) began: its deadline counts from here,
     * not from the submission. Null while the review round is the stage that runs.
     */
    stageStartedAt: ts('stage_started_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // Back-office queue: open work (pending, provisioning) by urgency (breached, at risk, on track),
    // reminded first within one urgency, then by deadline, then first come first served;
    // keyset-paginated on exactly these columns.
    index('reviews_open_urgency_idx').on(t.urgency, t.queueBucket, t.dueAt, t.submittedAt, t.id).where(sql`${t.status} in ('pending','provisioning')`),
    index('reviews_open_kind_urgency_idx').on(t.kind, t.urgency, t.queueBucket, t.dueAt, t.submittedAt, t.id).where(sql`${t.status} in ('pending','provisioning')`),
    // Counts by deadline state for a filtered queue (unassigned, or a lapsed claim) read the index alone.
    index('reviews_open_sla_idx').on(t.kind, t.slaState, t.assigneeId, t.assignedAt).where(sql`${t.status} in ('pending','provisioning')`),
    index('reviews_open_assignee_idx').on(t.assigneeId, t.dueAt).where(sql`${t.status} in ('pending','provisioning')`),
    index('reviews_due_idx').on(t.status, t.dueAt, t.id),
    index('reviews_submitted_idx').on(t.status, t.submittedAt, t.id),
    // Tenant API listing and the review page's other submissions: newest first within a tenant, both columns
    // descending as those queries order them (a mixed direction left every such query sorting the tenant's rows).
    index('reviews_tenant_idx').on(t.tenantId, t.submittedAt.desc(), t.id.desc()),
    uniqueIndex('reviews_kind_subject_idx').on(t.kind, t.subjectId),
    index('reviews_rules_version_idx').on(t.status, t.rulesVersion, t.id),
    index('reviews_timer_signal_idx').on(t.timerSignalDueAt).where(sql`${t.timerSignalDueAt} is not null`),
    index('reviews_unstarted_idx').on(t.updatedAt).where(sql`${t.workflowStartedAt} is null`),
    // Auto-assignment counts each reviewer's open work.
    index('reviews_assignee_idx').on(t.assigneeId, t.status).where(sql`${t.assigneeId} is not null`),
  ],
);

/**
 * How many open reviews (pending, provisioning) there are of each kind in each deadline state, kept
 * by triggers on `reviews` as each changing transaction commits (custom migration
 * open_review_counts_triggers), so the queue's counts read a few rows instead of every open
 * review. Each transaction adds to its own slot, so concurrent commits rarely wait on one row; a
 * count is the sum over the slots.
 */
export const openReviewCounts = pgTable(
  'open_review_counts',
  {
    kind: text('kind').notNull(),
    slaState: text('sla_state', { enum: ['on_track', 'at_risk', 'breached'] }).notNull(),
    slot: integer('slot').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.slaState, t.slot] })],
);

/** The timeline of a review: what happened, in which round, by whom. */
export const reviewEvents = pgTable(
  'review_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    reviewId: uuid('review_id').notNull().references(() => reviews.id),
    round: integer('round').notNull(),
    type: text('type').notNull(),
    actorType: text('actor_type', { enum: ['staff', 'tenant', 'system'] }).notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    data: jsonb('data').notNull().default({}),
    /** Set by retried writers so a retry records the event once. */
    dedupeKey: text('dedupe_key').unique(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [
    index('review_events_review_idx').on(t.reviewId, t.id),
    // Statistics and the dashboard count events of a type within a period.
    index('review_events_type_at_idx').on(t.type, t.at),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    name: text('name').notNull(),
    mobile: text('mobile').notNull(),
    email: text('email').notNull(),
    language: text('language', { enum: ['zh-CN', 'en'] }).notNull().default('zh-CN'),
    /** Notice kinds this contact receives, e.g. voice_template, service_activation. */
    subscriptions: text('subscriptions').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (t) => [index('contacts_tenant_idx').on(t.tenantId)],
);

export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    event: text('event').notNull(),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    recipient: text('recipient').notNull(),
    tenantId: uuid('tenant_id').references(() => tenants.id),
    reviewId: uuid('review_id').references(() => reviews.id),
    /** A deleted contact leaves its notices behind: the recipient is kept as text. */
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    language: text('language').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    state: text('state', { enum: ['queued', 'sending', 'sent', 'delivered', 'failed'] }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    providerMessageId: text('provider_message_id'),
    lastError: text('last_error'),
    /** Set when its delivery workflow was started; the dispatcher picks rows where it is null. */
    dispatchedAt: ts('dispatched_at'),
    sentAt: ts('sent_at'),
    deliveredAt: ts('delivered_at'),
    /** Bumped by a staff resend, so the new delivery gets its own workflow. */
    sendRound: integer('send_round').notNull().default(1),
    /** The delivery workflow that claimed the send, so a second, duplicate delivery never sends it too. */
    claimedBy: text('claimed_by'),
    /** One notice per (cause, recipient, channel): retried writers insert it once. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('outbox_state_idx').on(t.state, t.createdAt),
    index('outbox_review_idx').on(t.reviewId),
    index('outbox_undispatched_idx').on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    index('outbox_provider_idx').on(t.providerMessageId),
    index('outbox_created_idx').on(t.createdAt.desc(), t.id),
  ],
);

/** Append-only: a trigger in the migrations refuses UPDATE, DELETE and TRUNCATE. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actorType: text('actor_type', { enum: ['staff', 'tenant', 'system'] }).notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    ip: text('ip'),
    details: jsonb('details').notNull().default({}),
    dedupeKey: text('dedupe_key').unique(),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_object_idx').on(t.objectType, t.objectId),
    // The audit page's searches, newest first: by action, and by actor as recorded.
    index('audit_action_idx').on(t.action, t.id),
    index('audit_actor_idx').on(sql`lower(${t.actorLabel})`, t.id),
  ],
);

/** Remembers a tenant's Idempotency-Key so a retried submission returns the same review. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    key: text('key').notNull(),
    operation: text('operation').notNull(),
    requestHash: text('request_hash').notNull(),
    reviewId: uuid('review_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/**
 * Every version of every kind's rule set (domain/rule-set.ts). The highest version of a kind is
 * in force; a restore is a new version with the old content. Never updated or deleted.
 */
export const ruleSetVersions = pgTable(
  'rule_set_versions',
  {
    kind: text('kind').notNull(),
    version: integer('version').notNull(),
    rules: jsonb('rules').notNull(),
    comment: text('comment').notNull().default(''),
    authorId: uuid('author_id').references(() => staff.id),
    authorName: text('author_name'),
    /** The version whose content this one restored. */
    restoredFrom: integer('restored_from'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.version] })],
);

/** Round-robin auto-assignment: whom each kind gave its last review to. */
export const assignmentCursors = pgTable('assignment_cursors', {
  kind: text('kind').primaryKey(),
  lastStaffId: uuid('last_staff_id').references(() => staff.id),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Process-wide settings that every web process must share (e.g. the generated cookie secret). */
export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});

/** A working calendar; reviews use the one with id 'default'. */
export const calendars = pgTable(
  'calendars',
  {
    id: text('id').primaryKey(),
    timeZone: text('time_zone').notNull(),
    opens: text('opens').notNull(),
    closes: text('closes').notNull(),
    /** Bumped on every change, so caches and recomputes know what they computed with. */
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => staff.id),
  },
  (t) => [check('calendars_window_check', sql`${t.closes} > ${t.opens}`)],
);

/** Dated exceptions: a date is a holiday or a make-up working day, never both (the key says so). */
export const calendarDays = pgTable(
  'calendar_days',
  {
    calendarId: text('calendar_id').notNull().references(() => calendars.id),
    date: text('date').notNull(),
    kind: text('kind', { enum: ['holiday', 'makeup'] }).notNull(),
    name: text('name').notNull().default(''),
  },
  (t) => [
    primaryKey({ columns: [t.calendarId, t.date] }),
    check('calendar_days_date_check', sql`${t.date} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`),
    check('calendar_days_kind_check', sql`${t.kind} in ('holiday','makeup')`),
  ],
);

/** Admin overrides of notice wording (defaults live in domain/notice-templates.ts). */
export const noticeTemplates = pgTable(
  'notice_templates',
  {
    event: text('event').notNull(),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    language: text('language', { enum: ['zh-CN', 'en'] }).notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    updatedBy: uuid('updated_by').references(() => staff.id),
  },
  (t) => [primaryKey({ columns: [t.event, t.channel, t.language] })],
);

/** Files received with submissions: stored under the file store's root by id, served only through authorised routes. */
export const storedFiles = pgTable(
  'stored_files',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    kind: text('kind').notNull(),
    subjectId: text('subject_id').notNull(),
    /** The form field it came in (license, handlerIdFront, file, …). */
    field: text('field').notNull(),
    /** The round it was submitted in: an edit's files replace earlier ones without losing them. */
    round: integer('round').notNull().default(1),
    originalName: text('original_name').notNull(),
    /** What its content is (jpg, png, rar, zip, wav, xlsx), judged by its bytes. */
    fileType: text('file_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    path: text('path').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('stored_files_subject_idx').on(t.kind, t.subjectId, t.field, t.round), index('stored_files_sha256_idx').on(t.sha256)],
);

/** A tenant's standing for each business type it ever applied for. */
export const tenantServices = pgTable(
  'tenant_services',
  {
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    businessType: text('business_type').notNull(),
    state: text('state', { enum: ['pending', 'active', 'rejected', 'cancelled', 'frozen'] }).notNull(),
    /** The application that decided the current state. */
    activationId: text('activation_id').notNull(),
    /** Why staff froze or cancelled it (shown to staff and told to the tenant). */
    reason: text('reason'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.businessType] })],
);

/** An application (调研表) to use one business type. */
export const serviceActivations = pgTable(
  'service_activations',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    reviewId: uuid('review_id').notNull(),
    businessType: text('business_type').notNull(),
    enterpriseName: text('enterprise_name').notNull(),
    carrierType: text('carrier_type').notNull(),
    carrierName: text('carrier_name').notNull(),
    nature: text('nature').notNull(),
    industry: text('industry').notNull(),
    scenario: text('scenario').notNull(),
    script: text('script').notNull(),
    usedSimilarProduct: boolean('used_similar_product').notNull(),
    expectedDailyMinutes: integer('expected_daily_minutes').notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('service_activations_tenant_idx').on(t.tenantId, t.businessType), index('service_activations_review_idx').on(t.reviewId)],
);

/** An enterprise's qualification (企业资质). The ID number is kept encrypted; lists show it masked. */
export const enterprises = pgTable(
  'enterprises',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    reviewId: uuid('review_id').notNull(),
    /** pending until first approved; approved stays approved while an edit is reviewed. */
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull().default('pending'),
    companyName: text('company_name').notNull(),
    licenseCode: text('license_code').notNull(),
    threeInOne: boolean('three_in_one').notNull(),
    fixedLine: boolean('fixed_line').notNull(),
    /** The business type it qualifies its tenant for; null only for enterprises added before types were asked. */
    businessType: text('business_type'),
    handlerName: text('handler_name').notNull(),
    /** The ID number sealed with the field key (AES-256-GCM, db/sealed-field.ts); never logged or listed. */
    handlerIdNumberSealed: text('handler_id_number_sealed').notNull(),
    handlerIdNumberMasked: text('handler_id_number_masked').notNull(),
    /** A keyed digest of the ID number (db/sealed-field.ts), so equal numbers are found without opening any. */
    handlerIdDigest: text('handler_id_digest'),
    handlerMobile: text('handler_mobile').notNull(),
    handlerAddress: text('handler_address').notNull(),
    scenario: text('scenario').notNull(),
    script: text('script').notNull(),
    expectedDailyCalls: integer('expected_daily_calls').notNull(),
    peakConcurrency: integer('peak_concurrency').notNull(),
    /** The unit's contact phone and its legal representative (the ID number sealed like the handler's). */
    contactPhone: text('contact_phone'),
    legalRepresentativeName: text('legal_representative_name'),
    legalRepresentativeIdSealed: text('legal_representative_id_sealed'),
    legalRepresentativeIdMasked: text('legal_representative_id_masked'),
    /**
     * An approved enterprise's edit under review, every editable field as it would be once approved
     * (pending_scenario set marks one); the values above stay in force until it is approved.
     */
    pendingScenario: text('pending_scenario'),
    pendingScript: text('pending_script'),
    pendingContactPhone: text('pending_contact_phone'),
    pendingLegalRepresentativeName: text('pending_legal_representative_name'),
    pendingLegalRepresentativeIdSealed: text('pending_legal_representative_id_sealed'),
    pendingLegalRepresentativeIdMasked: text('pending_legal_representative_id_masked'),
    /** What the image pre-check measured (domain/image-check.ts ImageCheck), for the round it checked. */
    imageCheck: jsonb('image_check'),
    /** Risk signals found at intake (domain/risk-signals.ts): facts with the ids they point at. */
    riskSignals: jsonb('risk_signals').notNull().default([]),
    approvedAt: ts('approved_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('enterprises_tenant_idx').on(t.tenantId),
    index('enterprises_review_idx').on(t.reviewId),
    index('enterprises_license_code_idx').on(t.licenseCode),
    index('enterprises_handler_id_idx').on(t.handlerIdDigest),
  ],
);

/**
 * Failed sign-ins and unknown API keys, counted per account (keyed by a hash of the e-mail, known or
 * not) and per client address, with the lock they led to. In the database so that every web
 * process sees the same counts.
 */
export const authThrottle = pgTable(
  'auth_throttle',
  {
    /** `login-account:<sha256 of the lower-cased e-mail>`, `login-address:<ip>` or `api-address:<ip>`. */
    key: text('key').primaryKey(),
    failures: integer('failures').notNull().default(0),
    windowStartedAt: ts('window_started_at').notNull(),
    lockedUntil: ts('locked_until'),
    /** Locks so far, so that each lock of an account lasts longer than the last. */
    lockouts: integer('lockouts').notNull().default(0),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('auth_throttle_updated_idx').on(t.updatedAt)],
);

/** Nonces of accepted SMS delivery reports, kept until their Created time falls out of the allowed window. */
export const smsReportNonces = pgTable(
  'sms_report_nonces',
  {
    nonce: text('nonce').primaryKey(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('sms_report_nonces_expires_idx').on(t.expiresAt)],
);

/**
 * The generated password of the restricted role the web and worker processes connect as. Only
 * the owner reads it (the role itself gets no grant on this table); it lives here because the
 * owner's connection is what every process already has when it starts and migrates.
 */
export const appRoleCredentials = pgTable('app_role_credentials', {
  role: text('role').primaryKey(),
  password: text('password').notNull(),
  createdAt: createdAt(),
});

/**
 * An app (应用): how a tenant uses one business type. Never deleted; its business type never
 * changes. The secret is kept only as a hash (shown once, rotatable).
 */
export const apps = pgTable(
  'apps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    name: text('name').notNull(),
    businessType: text('business_type').notNull(),
    status: text('status', { enum: ['normal', 'disabled'] }).notNull().default('normal'),
    recording: boolean('recording').notNull().default(false),
    qualityCheck: boolean('quality_check').notNull().default(false),
    appKey: text('app_key').notNull().unique(),
    appSecretHash: text('app_secret_hash').notNull(),
    statusCallbackUrl: text('status_callback_url'),
    cdrCallbackUrl: text('cdr_callback_url'),
    /** An approved audio file played before sampled recordings. */
    promptAudioId: text('prompt_audio_id'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('apps_tenant_name_idx').on(t.tenantId, sql`lower(${t.name})`), index('apps_tenant_idx').on(t.tenantId)],
);

/** A staff member's decision over many reviews at once: one audited action with its items. */
export const bulkJobs = pgTable('bulk_jobs', {
  id: uuid('id').primaryKey().defaultRandom(),
  actorId: uuid('actor_id').notNull().references(() => staff.id),
  actorName: text('actor_name').notNull(),
  actorRole: text('actor_role').notNull(),
  outcome: text('outcome', { enum: ['approved', 'rejected'] }).notNull(),
  reasonCode: text('reason_code'),
  reasonText: text('reason_text'),
  total: integer('total').notNull(),
  createdAt: createdAt(),
  finishedAt: ts('finished_at'),
});

export const bulkJobItems = pgTable(
  'bulk_job_items',
  {
    jobId: uuid('job_id').notNull().references(() => bulkJobs.id),
    reviewId: uuid('review_id').notNull().references(() => reviews.id),
    position: integer('position').notNull(),
    state: text('state', { enum: ['pending', 'applied', 'refused', 'failed'] }).notNull().default('pending'),
    /** Why it was not applied: a refusal code and its facts, worded for each reader on the page. */
    refusal: jsonb('refusal'),
    doneAt: ts('done_at'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.reviewId] }), index('bulk_job_items_pending_idx').on(t.jobId, t.position).where(sql`${t.state} = 'pending'`)],
);

/** A request to turn an app's quality checks off, reviewed before it takes effect. */
export const qualityCheckOptOuts = pgTable(
  'quality_check_opt_outs',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    reviewId: uuid('review_id').notNull(),
    appId: uuid('app_id').notNull().references(() => apps.id),
    appName: text('app_name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('quality_check_opt_outs_app_idx').on(t.appId, t.createdAt), index('quality_check_opt_outs_review_idx').on(t.reviewId)],
);

/** Every attempt to hand a notice over, and every delivery report: the notice's history. */
export const noticeAttempts = pgTable(
  'notice_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    noticeId: uuid('notice_id').notNull().references(() => notificationOutbox.id),
    at: ts('at').notNull().defaultNow(),
    outcome: text('outcome', { enum: ['sent', 'retrying', 'failed', 'delivered', 'requeued'] }).notNull(),
    attempt: integer('attempt').notNull(),
    detail: text('detail'),
  },
  (t) => [index('notice_attempts_notice_idx').on(t.noticeId, t.id)],
);

/** A tenant's order of fixed-line numbers (号码订购): its enterprise, app and business contact. */
export const numberOrders = pgTable(
  'number_orders',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    reviewId: uuid('review_id').notNull(),
    enterpriseId: text('enterprise_id').notNull(),
    appId: uuid('app_id').notNull(),
    contactName: text('contact_name').notNull(),
    contactMobile: text('contact_mobile').notNull(),
    /** The tenant's contact named as the business contact (null when given inline): it hears the order's notices. */
    contactId: uuid('contact_id'),
    /** Every city has all its numbers. */
    issuedAt: ts('issued_at'),
    createdAt: createdAt(),
  },
  (t) => [index('number_orders_tenant_idx').on(t.tenantId), index('number_orders_review_idx').on(t.reviewId)],
);

/** How many numbers an order wants in each city, in the order the tenant listed them. */
export const numberOrderCities = pgTable(
  'number_order_cities',
  {
    orderId: text('order_id').notNull().references(() => numberOrders.id),
    city: text('city').notNull(),
    position: integer('position').notNull(),
    ordered: integer('ordered').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.city] }), check('number_order_cities_ordered_check', sql`${t.ordered} between 1 and 100`)],
);

/**
 * Numbers issued to tenants. A number is active with one tenant at a time across the platform;
 * once released it may be issued again, so its history stays.
 */
export const numbers = pgTable(
  'numbers',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** E.164, e.g. +861012345678 (domain/numbers.ts). */
    number: text('number').notNull(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    orderId: text('order_id').notNull(),
    city: text('city').notNull(),
    status: text('status', { enum: ['active', 'released'] }).notNull().default('active'),
    /** The Beijing date the number was issued: monthly rent starts that day. */
    rentFrom: text('rent_from').notNull(),
    /** The last Beijing date rent is paid for: the end of the month it was released in. */
    rentUntil: text('rent_until'),
    issuedAt: ts('issued_at').notNull(),
    issuedBy: uuid('issued_by').references(() => staff.id),
    /** The staff request that issued it, so a retried write issues once. */
    issueKey: text('issue_key').notNull(),
    releasedAt: ts('released_at'),
    /** The unsubscribe batch that released it. */
    releasedByBatch: text('released_by_batch'),
  },
  (t) => [
    uniqueIndex('numbers_active_number_idx').on(t.number).where(sql`${t.status} = 'active'`),
    index('numbers_tenant_number_idx').on(t.tenantId, t.number),
    index('numbers_tenant_list_idx').on(t.tenantId, t.id),
    index('numbers_order_idx').on(t.orderId, t.city),
    index('numbers_issue_key_idx').on(t.issueKey),
    check('numbers_status_check', sql`${t.status} in ('active','released')`),
  ],
);

/** An unsubscribe batch (号码退订): the tenant's list, its note, and how far processing has come. */
export const unsubscribeBatches = pgTable(
  'unsubscribe_batches',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    reviewId: uuid('review_id').notNull(),
    note: text('note').notNull().default(''),
    total: integer('total').notNull(),
    /** Numbers checked so far; released + failed = processed. */
    processed: integer('processed').notNull().default(0),
    released: integer('released').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    finishedAt: ts('finished_at'),
    createdAt: createdAt(),
  },
  (t) => [index('unsubscribe_batches_tenant_idx').on(t.tenantId), index('unsubscribe_batches_review_idx').on(t.reviewId)],
);

/** One number of a batch, in sheet order, with its outcome once checked. */
export const batchNumbers = pgTable(
  'batch_numbers',
  {
    batchId: text('batch_id').notNull().references(() => unsubscribeBatches.id),
    position: integer('position').notNull(),
    /** The sheet row it came from. */
    sheetRow: integer('sheet_row').notNull(),
    /** As written in the sheet (at most 64 characters). */
    text: text('text').notNull(),
    /** E.164, or null when the text is not a fixed-line number. */
    number: text('number'),
    outcome: text('outcome', { enum: ['pending', 'released', 'failed'] }).notNull().default('pending'),
    /** Why it failed, a code (domain/numbers.ts FAILURE_CODES); which step failed follows from it. */
    reason: text('reason'),
    processedAt: ts('processed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.position] }),
    index('batch_numbers_number_idx').on(t.batchId, t.number, t.position),
    index('batch_numbers_outcome_idx').on(t.batchId, t.outcome, t.position),
    check('batch_numbers_outcome_check', sql`${t.outcome} in ('pending','released','failed')`),
  ],
);

/**
 * A version of a declaration the tenant ticks (the voice-call service statement, the authorisation
 * statement), in both languages. Versions are only added; older ones stay readable.
 */
export const declarationVersions = pgTable(
  'declaration_versions',
  {
    declarationId: text('declaration_id').notNull(),
    version: integer('version').notNull(),
    titleZh: text('title_zh').notNull(),
    titleEn: text('title_en').notNull(),
    textZh: text('text_zh').notNull(),
    textEn: text('text_en').notNull(),
    publishedAt: ts('published_at').notNull().defaultNow(),
    publishedBy: uuid('published_by').references(() => staff.id),
  },
  (t) => [primaryKey({ columns: [t.declarationId, t.version] }), check('declaration_versions_version_check', sql`${t.version} >= 1`)],
);

/** A declaration a tenant accepted with a submission: which version, when, with which key, from where. */
export const declarationAcceptances = pgTable(
  'declaration_acceptances',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull().references(() => tenants.id),
    declarationId: text('declaration_id').notNull(),
    version: integer('version').notNull(),
    reviewId: uuid('review_id').notNull(),
    subjectId: text('subject_id').notNull(),
    round: integer('round').notNull(),
    apiKeyId: uuid('api_key_id'),
    ip: text('ip'),
    acceptedAt: ts('accepted_at').notNull().defaultNow(),
  },
  (t) => [index('declaration_acceptances_review_idx').on(t.reviewId, t.round)],
);

/** Years whose official holiday schedule an admin imported (beyond the holiday package's years). */
export const calendarSchedules = pgTable(
  'calendar_schedules',
  {
    calendarId: text('calendar_id').notNull().references(() => calendars.id),
    year: integer('year').notNull(),
    holidays: integer('holidays').notNull(),
    makeUpDays: integer('make_up_days').notNull(),
    importedAt: ts('imported_at').notNull().defaultNow(),
    importedBy: uuid('imported_by').references(() => staff.id),
  },
  (t) => [primaryKey({ columns: [t.calendarId, t.year] })],
);

/** A staff member's own named queue views: filters and order, kept as the queue's own URL. */
export const queueViews = pgTable(
  'queue_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** `/queue?…` as the queue writes it (known filters and the sort only, never a page's cursor). */
    url: text('url').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('queue_views_staff_name_idx').on(t.staffId, t.name)],
);

/**
 * Staff's notes on a review, for staff only: never part of the review's events, which the tenant
 * API and notices read. `mentioned` keeps whom the note named with @, who were e-mailed.
 */
export const reviewNotes = pgTable(
  'review_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reviewId: uuid('review_id')
      .notNull()
      .references(() => reviews.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => staff.id),
    body: text('body').notNull(),
    mentioned: uuid('mentioned').array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: createdAt(),
  },
  (t) => [index('review_notes_review_idx').on(t.reviewId, t.createdAt)],
);

/**
 * Who has a review open right now: one row per member and review, refreshed by the page's
 * heartbeat. Rows older than a few minutes mean nothing and are deleted as heartbeats come in.
 */
export const reviewPresence = pgTable(
  'review_presence',
  {
    reviewId: uuid('review_id')
      .notNull()
      .references(() => reviews.id, { onDelete: 'cascade' }),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    activity: text('activity', { enum: ['viewing', 'deciding', 'noting'] }).notNull(),
    seenAt: ts('seen_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.staffId] }), index('review_presence_seen_idx').on(t.seenAt)],
);
