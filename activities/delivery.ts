import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client.js';
import { claimNoticeForSending, findNotice, markNoticeFailed, markNoticeRetrying, markNoticeSent } from '../db/outbox.js';
import type { EmailTransport } from '../notifications/email.js';
import { isDeliveryError } from '../notifications/errors.js';
import type { SmsGateway } from '../notifications/sms.js';
import { textToHtml } from '../domain/notice-templates.js';

export interface Senders {
  email: EmailTransport | null;
  sms: { gateway: SmsGateway; templateId: string } | null;
}

/**
 * Sends one outbox row. Already sent or delivered: nothing happens (a retry after a crash
 * does not send twice once the send was recorded). Transient failures go back to Temporal to
 * retry with backoff; permanent ones fail the row at once with the reason.
 */
export async function deliverNotice(db: Db, senders: Senders, args: { outboxId: string; claimant: string }): Promise<{ state: string }> {
  // The claim comes first: it takes only a row still to send, so the common case is one statement;
  // the row is read only when the claim found nothing to take (sent, failed, held by another, gone).
  const row = await claimNoticeForSending(db, args.outboxId, args.claimant);
  if (!row) {
    const current = await findNotice(db, args.outboxId);
    if (!current) throw ApplicationFailure.nonRetryable(`notice ${args.outboxId} not found`, 'NoticeNotFound');
    return { state: current.state };
  }
  try {
    let providerMessageId: string;
    if (row.channel === 'email') {
      if (!senders.email) throw new Error('email sending is not configured (SMTP_URL)');
      const sent = await senders.email.send({ to: row.recipient, subject: row.subject ?? '', text: row.body, html: textToHtml(row.body), messageId: `${row.id}.${row.sendRound}` });
      providerMessageId = sent.providerMessageId;
    } else {
      if (!senders.sms) throw new Error('SMS sending is not configured (SMS_GATEWAY_URL)');
      const { results } = await senders.sms.gateway.send({ to: [row.recipient], templateId: senders.sms.templateId, params: [row.body], requestId: `${row.id}.${row.sendRound}` });
      const result = results[0];
      if (!result?.ok || !result.providerMessageId) {
        await markNoticeFailed(db, row.id, `gateway refused the number: ${result?.status ?? 'no result'}`);
        throw ApplicationFailure.nonRetryable(`gateway refused ${row.recipient}: ${result?.status ?? 'no result'}`, 'PermanentDeliveryError');
      }
      providerMessageId = result.providerMessageId;
    }
    await markNoticeSent(db, row.id, providerMessageId);
    return { state: 'sent' };
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    const message = err instanceof Error ? err.message : String(err);
    if (isDeliveryError(err) && !err.retryable) {
      await markNoticeFailed(db, row.id, `${err.code}: ${message}`);
      throw ApplicationFailure.nonRetryable(message, 'PermanentDeliveryError');
    }
    await markNoticeRetrying(db, row.id, isDeliveryError(err) ? `${err.code}: ${message}` : message);
    throw err;
  }
}

/** Retries ran out: the row is failed with the last reason, for staff to see and resend. */
export async function giveUpNotice(db: Db, args: { outboxId: string; reason: string }): Promise<void> {
  await markNoticeFailed(db, args.outboxId, `gave up: ${args.reason}`);
}
