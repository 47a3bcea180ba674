import type { DeadlineImpact } from '../use-cases/preview-rules.js';

/** The fields of a form as sent (a body or a query string), less its CSRF token and page number. */
function formQuery(fields: Record<string, unknown>): URLSearchParams {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (name === '_csrf' || name === 'page') continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') q.append(name, v);
  }
  return q;
}

/**
 * Links to the previous and next page of a preview's moved reviews. A preview changes nothing, so
 * its pages are GET addresses that carry the form as typed: they work without a script, can be
 * opened in a new tab, and never carry the CSRF token.
 */
export function previewPaging(path: string, fields: Record<string, unknown>, impact: DeadlineImpact) {
  const base = formQuery(fields);
  const at = (n: number) => {
    const q = new URLSearchParams(base);
    q.set('page', String(n));
    return `${path}?${q.toString()}`;
  };
  const { number, pages } = impact.page;
  return {
    number,
    pages,
    first: (number - 1) * impact.page.size + 1,
    last: (number - 1) * impact.page.size + impact.page.items.length,
    prev: number > 1 ? at(number - 1) : undefined,
    next: number < pages ? at(number + 1) : undefined,
  };
}

/** A GET preview page with no form in its address (a bookmark cut short): there is nothing to preview. */
export const hasForm = (query: Record<string, unknown>) => Object.keys(query).some((k) => k !== 'page');
