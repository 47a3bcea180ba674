/** One field an edit changed: its path ("carrier.name"), what it was and what it is now. */
export interface FieldChange {
  path: string;
  before: string;
  after: string;
}

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, Array.isArray(value) ? JSON.stringify(value) : value === undefined || value === null ? '' : String(value));
  }
}

/**
 * What changed between two submissions of one subject, field by field. A partial edit (only some
 * fields sent) changes only what it sent.
 */
export function diffSnapshots(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const changes: FieldChange[] = [];
  for (const [path, value] of b) {
    const old = a.get(path) ?? '';
    if (old !== value) changes.push({ path, before: old, after: value });
  }
  return changes;
}
