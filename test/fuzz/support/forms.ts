/**
 * The forms of a rendered back-office page, read from its HTML: where each posts (its action,
 * and the other actions its buttons post the same fields to) and every field with the value
 * the page filled in, so a fuzzer starts from what a person would send.
 */

export interface FormField {
  name: string;
  value: string;
  kind: 'hidden' | 'text' | 'select' | 'checkbox' | 'radio' | 'textarea' | 'button' | 'other';
  /** A select's option values. */
  options?: string[];
  /** A checkbox or radio button that is ticked: only those are sent. */
  checked?: boolean;
}

/** The fields a browser sends for the form as the page filled it in. */
export const sentFields = (form: FoundForm) => form.fields.filter((f) => (f.kind !== 'checkbox' && f.kind !== 'radio' && f.kind !== 'button') || f.checked);

export interface FoundForm {
  method: string;
  /** Paths the fields are posted to. */
  actions: string[];
  fields: FormField[];
  /** The page the form was on. */
  page: string;
}

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (name === 'input' || name === 'select' || name === 'textarea' || name === 'button' || name === 'form' || name === 'option') continue;
    out[name] ??= decode(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

export function formsIn(html: string, page: string): FoundForm[] {
  const forms: FoundForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const a = attrs(m[1]!);
    const inner = m[2]!;
    const method = (a.method ?? 'get').toLowerCase();
    const actions = new Set<string>();
    actions.add(a.action ?? page);
    if (a['hx-post']) actions.add(a['hx-post']);
    const fields: FormField[] = [];
    for (const t of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const f = attrs(t[1]!);
      if (!f.name) continue;
      const type = (f.type ?? 'text').toLowerCase();
      const kind = type === 'hidden' ? 'hidden' : type === 'checkbox' ? 'checkbox' : type === 'radio' ? 'radio' : ['text', 'email', 'password', 'number', 'date', 'time', 'search', 'url', 'tel'].includes(type) ? 'text' : 'other';
      fields.push({ name: f.name, value: f.value ?? (kind === 'checkbox' ? 'on' : ''), kind, ...(kind === 'checkbox' || kind === 'radio' ? { checked: 'checked' in f } : {}) });
    }
    for (const t of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const f = attrs(t[1]!);
      if (!f.name) continue;
      const options = [...t[2]!.matchAll(/<option\b([^>]*)>([^<]*)/gi)].map((o) => attrs(o[1]!).value ?? decode(o[2]!.trim()));
      const selected = [...t[2]!.matchAll(/<option\b([^>]*)>/gi)].map((o) => attrs(o[1]!)).find((o) => 'selected' in o)?.value;
      fields.push({ name: f.name, value: selected ?? options[0] ?? '', kind: 'select', options });
    }
    for (const t of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const f = attrs(t[1]!);
      if (f.name) fields.push({ name: f.name, value: decode(t[2]!), kind: 'textarea' });
    }
    for (const t of inner.matchAll(/<button\b([^>]*)>/gi)) {
      const b = attrs(t[1]!);
      if (b.name) fields.push({ name: b.name, value: b.value ?? '', kind: 'button' });
      if (b.formaction) actions.add(b.formaction);
      if (b['hx-post']) actions.add(b['hx-post']);
    }
    forms.push({ method, actions: [...actions].map((x) => x.split('#')[0]!), fields, page });
  }
  return forms;
}

/** A route pattern (`/reviews/:id/claim`) as a test for paths. */
export function matcherOf(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}$`);
}
