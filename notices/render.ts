import type { Tx } from '../db/client.js';
import { templateInForce } from '../db/notice-templates.js';
import type { Language } from '../domain/labels.js';
import { kindLabel } from '../i18n/labels.js';
import { renderTemplate, type NoticeChannel, type NoticeEvent, type NoticeFacts, type NoticeTemplate } from '../domain/notice-templates.js';
import { formatTime } from '../domain/time-format.js';

export type RenderNotice = (
  event: NoticeEvent,
  channel: NoticeChannel,
  language: Language,
  facts: NoticeFacts & { kind?: string },
) => Promise<{ subject: string | null; text: string }>;

/**
 * Renders notices with the wording in force (an admin's override or the default) in the
 * reader's language. One renderer per transaction: each template is read once, however many
 * recipients it has.
 */
export function noticeRenderer(tx: Tx): RenderNotice {
  const templates = new Map<string, Promise<NoticeTemplate>>();
  return async (event, channel, language, facts) => {
    const key = `${event}/${channel}/${language}`;
    let template = templates.get(key);
    if (!template) {
      template = templateInForce(tx, event, channel, language);
      templates.set(key, template);
    }
    const { subject, text } = renderTemplate(await template, templateFacts(language, facts));
    return { subject, text };
  };
}

/** A notice's facts as its template reads them: the kind by its name, a reason without its own full stop. */
export function templateFacts(language: Language, facts: NoticeFacts & { kind?: string }): NoticeFacts {
  const kind = facts.kind ? kindLabel(String(facts.kind), language) : '';
  // Templates end the reason's sentence themselves: a reason typed with its own full stop would end twice.
  const reason = typeof facts.reason === 'string' ? facts.reason.replace(/[。．.!！]+\s*$/u, '') : facts.reason;
  return { kindLabel: kind, ...facts, reason };
}

/** Times in notices are read in Beijing time, in the reader's language's one format. */
export function noticeTime(iso: string | Date | null | undefined, language: Language): string {
  return iso ? formatTime(iso, language) : '';
}
