import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from '../../domain/audit-actions.js';
import { actionLabel, objectTypeLabel } from '../../server/insight/labels.js';

describe('audit log wording', () => {
  it('when any action or object type the log can record is shown, then it has words in both languages', () => {
    const missing: string[] = [];
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const a of AUDIT_ACTIONS) if (actionLabel(a, lang).unknownCode) missing.push(`${lang} action ${a}`);
      for (const t of AUDIT_OBJECT_TYPES) if (objectTypeLabel(t, lang).unknownCode) missing.push(`${lang} object type ${t}`);
    }
    expect(missing).toEqual([]);
  });
});
