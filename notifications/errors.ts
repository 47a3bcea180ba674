/**
 * Delivery failures of the notification transports, classified where they arise.
 *
 * `retryable` tells the caller (the sending activity) whether the same message may succeed
 * later: a down or busy server, a timeout, a 4xx SMTP reply, an HTTP 5xx or 429. A permanent
 * failure (5xx SMTP reply, bad address, authentication or signature refused, malformed
 * request) will fail the same way on every attempt and should fail the notice at once with
 * `message` as the reason. This module imports nothing: the activity maps it to Temporal
 * (`ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: !err.retryable })`).
 *
 * `code` is a short stable token, prefixed by channel:
 * - email: `smtp_<reply code>` for a server reply (`smtp_451`, `smtp_550`, `smtp_535`), else
 *   `smtp_connection`, `smtp_timeout`, `smtp_dns`, `smtp_tls`, `smtp_auth`, `smtp_protocol`,
 *   `smtp_rejected`, `smtp_error`, and `invalid_address` / `invalid_message_id` for what we refuse before sending;
 * - SMS: `sms_<provider code>` when the gateway names one (`sms_E000004`), else
 *   `sms_http_<status>`, `sms_network`, `sms_timeout`, `sms_bad_response`, `sms_invalid_request`,
 *   `sms_invalid_report`.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly retryable: boolean;
  readonly code: string;

  constructor(code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = retryable;
  }
}

/** A failure that may go away: retry the same message later. */
export function transient(code: string, message: string, cause?: unknown): DeliveryError {
  return new DeliveryError(code, message, true, { cause });
}

/** A failure that will repeat on every attempt: fail the notice now, with this reason. */
export function permanent(code: string, message: string, cause?: unknown): DeliveryError {
  return new DeliveryError(code, message, false, { cause });
}

export function isDeliveryError(value: unknown): value is DeliveryError {
  return value instanceof DeliveryError;
}
