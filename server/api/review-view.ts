import type { ReviewRow } from '../../db/reviews.js';
import { deadlineExplanation } from '../../i18n/deadline-text.js';
import type { CalendarContext } from '../../runtime/calendar-cache.js';

/** The review's public view in the tenant API. */
export function toReviewView(row: ReviewRow, cal: CalendarContext, lang: 'zh-CN' | 'en' = 'en') {
  return {
    id: row.id,
    kind: row.kind,
    subjectId: row.subjectId,
    status: row.status,
    round: row.round,
    submittedAt: row.submittedAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
    dueExplanation: deadlineExplanation(row, cal, lang),
    decision:
      row.decisionOutcome && row.decidedAt
        ? {
            outcome: row.decisionOutcome,
            reasonCode: row.decisionReasonCode,
            reasonText: row.decisionReasonText,
            decidedAt: row.decidedAt.toISOString(),
          }
        : null,
    reminder: {
      status: row.reminderStatus,
      count: row.reminderCount,
      lastAt: row.reminderLastAt?.toISOString() ?? null,
    },
  };
}
