import { condition, setHandler } from '@temporalio/workflow';
import { canDecide } from '../../domain/review.js';
import { acts } from '../activities.js';
import { reminderRuleChangedSignal, remindUpdate, replyUpdate, type OpenReminder } from '../messages.js';
import { roundKey, type RoundContext } from './context.js';
import { refuseIfClosedOrStale } from './decisions.js';
import { refuse } from './refuse.js';

/** The tenant's reminders arrive as Updates whose validator settles races between two presses; staff answer with a reply. */
export function installReminderHandlers(ctx: RoundContext): void {
  const { state, reminders, input } = ctx;
  setHandler(
    remindUpdate,
    async (req) => {
      reminders.count += 1;
      reminders.lastAt = req.at;
      const number = reminders.count;
      const { answerDueAt } = await acts.recordReminder({
        ...roundKey(ctx),
        number,
        at: req.at,
        requestKey: req.requestKey ?? null,
        answerWithin: req.answerWithin,
      });
      const open: OpenReminder = { number, at: req.at, answerDueAt };
      reminders.open.push(open);
      return open;
    },
    {
      validator: (req) => {
        if (req.round !== input.round || state.closed !== null || state.decision !== null) refuse('not_pending');
        if (reminders.count >= req.maxPerRound) refuse('limit_reached');
        if (reminders.lastAt && Date.parse(req.at) < Date.parse(reminders.lastAt) + req.coolDownMinutes * 60_000) refuse('cool_down');
      },
    },
  );

  setHandler(reminderRuleChangedSignal, () => {
    if (reminders.open.length > 0) ctx.remindersMoved = true;
  });

  setHandler(
    replyUpdate,
    async (req) => {
      const answered = reminders.open.length;
      reminders.open = [];
      await acts.replyToReminder({ ...roundKey(ctx), actor: req.actor, message: req.message, answered });
      return { answered };
    },
    {
      validator: (req) => {
        if (!canDecide(req.actor.role)) refuse('role_may_not_reply', { role: req.actor.role });
        refuseIfClosedOrStale(ctx, req.round);
      },
    },
  );
}

/** Each accepted reminder must be answered (a decision or a staff reply) by its time, or it escalates once. */
export async function watchReminders(ctx: RoundContext): Promise<void> {
  const { state } = ctx;
  while (state.closed === null) {
    await condition(() => state.closed !== null || ctx.reminders.open.length > 0);
    if (state.closed !== null) return;
    if (ctx.remindersMoved) {
      await followMovedReminders(ctx);
      continue;
    }
    const first = ctx.reminders.open.reduce((a, b) => (Date.parse(a.answerDueAt) <= Date.parse(b.answerDueAt) ? a : b));
    const ms = Date.parse(first.answerDueAt) - Date.now();
    const settled = ms > 0 && (await condition(() => state.closed !== null || !ctx.reminders.open.includes(first) || ctx.remindersMoved, ms));
    if (ctx.remindersMoved && state.closed === null) continue;
    if (settled || state.closed !== null || !ctx.reminders.open.includes(first)) continue;
    ctx.reminders.open = ctx.reminders.open.filter((r) => r !== first);
    if (state.decision === null) await acts.escalateReminder({ ...roundKey(ctx), number: first.number, answerDueAt: first.answerDueAt });
  }
}

/** The rule or calendar changed: each open reminder's answer time is computed again under the rules in force. */
async function followMovedReminders(ctx: RoundContext): Promise<void> {
  ctx.remindersMoved = false;
  const open = ctx.reminders.open.map((r) => ({ number: r.number, at: r.at }));
  const fresh = await acts.readReminderAnswers({ ...roundKey(ctx), reminders: open });
  for (const r of ctx.reminders.open) {
    const due = fresh[String(r.number)];
    if (due) r.answerDueAt = due;
  }
}
