import { z } from 'zod';
import { deleteQueueView, saveQueueView, type QueueViewRow } from '../../db/queue-views.js';
import type { Language } from '../../domain/labels.js';
import type { AppDeps } from '../deps.js';
import { HttpError, notFound, validationFailed } from '../errors.js';
import { translate } from '../../i18n/index.js';
import { queueUrl, viewFrom } from '../backoffice/queue-filters.js';

/** Enough for every way one person works the queue, few enough that the tab row and its counts stay small. */
export const MAX_VIEWS_PER_PERSON = 20;
export const VIEW_NAME_MAX = 40;

const form = z.object({
  name: z.string().trim().min(1).max(VIEW_NAME_MAX),
  from: z.string().optional(),
});

/**
 * A reviewer keeps the queue as they have it (filters and order) under a name of their own. The
 * filters are read as the queue reads them, so a view holds only filters the queue knows.
 * Saving again under the same name points that view at the new filters.
 */
export async function saveView(deps: AppDeps, staffId: string, body: unknown, lang: Language): Promise<QueueViewRow> {
  const parsed = form.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error, lang);
  const url = queueUrl(viewFrom(parsed.data.from));
  const saved = await saveQueueView(deps.db, staffId, parsed.data.name, url, MAX_VIEWS_PER_PERSON);
  if (!saved) {
    const message = translate(lang, 'views.tooMany');
    throw new HttpError(422, 'too_many_views', message, [{ path: 'name', message }]);
  }
  return saved;
}

/** A view goes away for its owner only; a link to its filters still opens the queue that way. */
export async function deleteView(deps: AppDeps, staffId: string, id: string): Promise<void> {
  if (!(await deleteQueueView(deps.db, staffId, id))) throw notFound('queue view');
}
