import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendRuleSetVersion, lockRuleSet, ruleSetInForce } from '../../db/rule-sets.js';
import type { RuleSet } from '../../domain/rule-set.js';
import { HttpError } from '../../server/errors.js';
import { previewRestore, previewRuleSet } from '../../server/use-cases/preview-rules.js';
import { ruleSetHistory, ruleSetVersion, rulesOverview } from '../../server/use-cases/rule-history.js';
import { startTestApp, validTemplate, type TestApp } from '../support/test-app.js';

let app: TestApp;
let admin: { id: string; name: string };
const actor = () => ({ id: admin.id, name: admin.name, role: 'admin' as const });

async function append(rules: RuleSet, comment: string) {
  return app.database.db.transaction(async (tx) => {
    await lockRuleSet(tx, 'voice_template');
    return appendRuleSetVersion(tx, { kind: 'voice_template', rules, comment, authorId: admin.id, authorName: admin.name });
  });
}

const extraReason = { code: 'too_loud', staff: { 'zh-CN': '音量过大', en: 'Too loud' }, tenant: { 'zh-CN': '音量过大', en: 'Too loud' }, requiresText: false, active: true };

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.addStaff('admin');
  const tenant = await app.addTenant();
  for (let i = 0; i < 3; i += 1) expect((await app.api(tenant, 'POST', '/voice-templates', validTemplate({ name: `历史${i}` }))).status).toBe(201);
  const defaults = (await ruleSetInForce(app.database.db, 'voice_template')).rules;
  // v1: a shorter deadline; v2: v1 with one more reason and another way of assigning.
  const v1: RuleSet = { ...defaults, deadlines: { ...defaults.deadlines, review: { type: 'working_minutes', minutes: 60 } } };
  await append(v1, 'one hour');
  await append({ ...v1, reasons: [...v1.reasons, extraReason], assignment: v1.assignment === 'round_robin' ? 'least_loaded' : 'round_robin' }, 'louder');
});

afterAll(async () => {
  await app?.stop();
});

const paths = (d: { changes: { path: string }[] }) => d.changes.map((c) => c.path).sort();

describe('rule set history, as use cases', () => {
  it('when a version is read, then it shows what it changed from the one before it, and what restoring it would change against the one in force', async () => {
    const v2 = await ruleSetVersion(app.database.db, 'voice_template', 2);
    expect(v2.isInForce).toBe(true);
    // A new reason is each of its fields from nothing to its value.
    expect(new Set(paths(v2.inVersion).map((p) => p.replace(/^(reasons\[too_loud\]).*$/, '$1')))).toEqual(new Set(['assignment', 'reasons[too_loud]']));
    // Wording a reason's change needs the reason, from either side.
    expect(v2.inVersion.reasons.map((r) => r.code)).toContain('too_loud');
    expect(v2.againstInForce.changes).toEqual([]);

    const v1 = await ruleSetVersion(app.database.db, 'voice_template', 1);
    expect(v1.isInForce).toBe(false);
    expect(paths(v1.inVersion)).toEqual(['deadlines.review']);
    // Restoring v1 would not drop the newer reason: it is kept, retired.
    expect(paths(v1.againstInForce)).toEqual(['assignment', 'reasons[too_loud].active']);

    const defaults = await ruleSetVersion(app.database.db, 'voice_template', 0);
    expect(defaults.inVersion.changes).toEqual([]);
  });

  it('when a version that does not exist is read, then it is a 404', async () => {
    await expect(ruleSetVersion(app.database.db, 'voice_template', 9)).rejects.toSatisfy((e) => e instanceof HttpError && e.status === 404);
  });

  it('when the history and the overview are read, then versions come newest first with the one in force marked, and each kind names its version in force', async () => {
    const { inForce, versions } = await ruleSetHistory(app.database.db, 'voice_template');
    expect(inForce.version).toBe(2);
    expect(versions.map((v) => [v.version, v.inForce])).toEqual([
      [2, true],
      [1, false],
      [0, false],
    ]);
    const overview = await rulesOverview(app.database.db);
    expect(overview.find((k) => k.kind === 'voice_template')?.version).toBe(2);
    expect(overview.find((k) => k.kind === 'audio_file')?.version).toBe(0);
  });

  it('when a restore or a candidate is previewed, then the changes are the ones the version page shows, and the open reviews are counted', async () => {
    const restore = await previewRestore({ db: app.database.db }, actor(), 'voice_template', 1);
    expect(restore.changes).toEqual((await ruleSetVersion(app.database.db, 'voice_template', 1)).againstInForce.changes);
    expect(restore.impact.open).toBe(3);

    const inForce = (await ruleSetInForce(app.database.db, 'voice_template')).rules;
    const candidate = await previewRuleSet({ db: app.database.db }, actor(), 'voice_template', { ...inForce, atRiskShare: 0.5 });
    expect(paths(candidate)).toEqual(['atRiskShare']);
    await expect(previewRuleSet({ db: app.database.db }, { ...actor(), role: 'reviewer' }, 'voice_template', inForce)).rejects.toSatisfy((e) => e instanceof HttpError && e.status === 403);
  });
});
