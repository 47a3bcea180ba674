import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { CalendarContext } from '../runtime/calendar-cache.js';
import type { Logger } from '../runtime/logger.js';
import * as deadlines from '../deadlines/sla-steps.js';
import * as decisions from './decisions.js';
import * as reminders from './reminders.js';
import * as delivery from './delivery.js';
import * as recompute from '../deadlines/recompute.js';
import { precheckSubmission, recordPrecheckFailure } from './precheck.js';
import { decideBulkChunk } from './bulk.js';
import * as provisioning from './provisioning.js';
import * as batches from './batches.js';
import type { FileStore } from '../files/store.js';

export interface ActivityDeps {
  db: Db;
  log: Logger;
  calendar: () => Promise<CalendarContext>;
  /** Signals review rounds whose deadline a recompute moved earlier (recomputePage). */
  temporal?: Client;
  /** Email and SMS senders; a null channel leaves its notices queued. */
  senders?: delivery.Senders;
  /** Where submitted files live, for automatic checks. */
  files?: FileStore;
}

/**
 * A key that stays the same across retries of one activity execution. Local activities are
 * numbered apart from activity tasks in the same run, so theirs are marked to keep the two apart.
 */
function executionKey(): string {
  const info = Context.current().info;
  return `${info.workflowExecution?.workflowId ?? 'standalone'}:${info.workflowExecution?.runId ?? ''}:${info.isLocal ? 'local-' : ''}${info.activityId}`;
}

/** Every side effect a workflow needs, bound to its dependencies (no module-level state). */
export function createActivities({ db, calendar, log, temporal, files, senders = { email: null, sms: null } }: ActivityDeps) {
  const calendarMemo: recompute.CalendarMemo = {};
  return {
    decideBulkChunk: (args: Parameters<typeof decideBulkChunk>[2]) => decideBulkChunk(db, temporal, args),
    precheckSubmission: (args: Parameters<typeof precheckSubmission>[2]) => precheckSubmission(db, files, args),
    recordPrecheckFailure: (args: Parameters<typeof recordPrecheckFailure>[2]) => recordPrecheckFailure(db, log, args),
    applyDecision: (args: Parameters<typeof decisions.applyDecision>[1]) => decisions.applyDecision(db, args),
    assignReview: (args: Omit<Parameters<typeof decisions.assignReview>[1], 'key'>) => decisions.assignReview(db, { ...args, key: executionKey() }),
    releaseReview: (args: Omit<Parameters<typeof decisions.releaseReview>[1], 'key'>) => decisions.releaseReview(db, { ...args, key: executionKey() }),
    markAtRisk: (args: Parameters<typeof deadlines.markAtRisk>[1]) => deadlines.markAtRisk(db, args),
    markDeadlineReached: (args: Parameters<typeof deadlines.markDeadlineReached>[1]) => deadlines.markDeadlineReached(db, args),
    readDeadline: (args: Parameters<typeof deadlines.readDeadline>[1]) => deadlines.readDeadline(db, args),
    recordReminder: (args: Parameters<typeof reminders.recordReminder>[2]) => reminders.recordReminder(db, calendar, args),
    escalateReminder: (args: Parameters<typeof reminders.escalateReminder>[1]) => reminders.escalateReminder(db, args),
    readReminderAnswers: (args: Parameters<typeof reminders.readReminderAnswers>[1]) => reminders.readReminderAnswers(db, args),
    deliverNotice: (args: Parameters<typeof delivery.deliverNotice>[2]) => delivery.deliverNotice(db, senders, args),
    giveUpNotice: (args: Parameters<typeof delivery.giveUpNotice>[1]) => delivery.giveUpNotice(db, args),
    replyToReminder: (args: Omit<Parameters<typeof reminders.replyToReminder>[1], 'replyKey'>) =>
      reminders.replyToReminder(db, { ...args, replyKey: executionKey() }),
    markStageSla: (args: Parameters<typeof deadlines.markStageSla>[1]) => deadlines.markStageSla(db, args),
    openFulfilment: (args: Parameters<typeof provisioning.openFulfilment>[3]) => provisioning.openFulfilment(db, calendar, log, args),
    issueNumbers: (args: provisioning.IssueNumbersArgs) => provisioning.issueNumbers(db, args),
    processBatch: (args: batches.ProcessBatchArgs) => batches.processBatch({ db, heartbeat: (d) => Context.current().heartbeat(d) }, args),
    finishBatch: (args: Parameters<typeof batches.finishBatch>[1]) => batches.finishBatch(db, args),
    recomputePage: (args: recompute.RecomputePageArgs) =>
      recompute.recomputePage(
        { db, log, temporal, calendarMemo, attempt: Context.current().info.attempt, heartbeat: (d) => Context.current().heartbeat(d) },
        args,
      ),
  };
}
