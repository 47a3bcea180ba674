import { findSchemathesis, SCHEMATHESIS_VERSION } from '../../../scripts/schemathesis.js';

export { SCHEMATHESIS_VERSION };
export const schemathesisCommand = findSchemathesis;

/**
 * Rules of the server that no JSON Schema can state, and the statuses a schema-valid request may
 * therefore get besides the ones schemathesis expects by default (2xx, 3xx, 401, 403, 404, 409, 429,
 * 5xx) in its positive_data_acceptance check. Each entry says why; docs/testing.md lists them.
 */
export const NOT_EXPRESSIBLE: { method: string; path: string; statuses: number[]; why: string }[] = [
  { method: 'POST', path: '/enterprises', statuses: [415, 422], why: 'files are judged by their content (a JPG must be a legible JPEG); the licence code and ID number have check characters; which licence code form is allowed depends on threeInOne' },
  { method: 'PUT', path: '/enterprises/{id}', statuses: [415, 422], why: 'as POST /enterprises when resubmitted as a form; as JSON only an approved enterprise may change its scenario and script' },
  { method: 'POST', path: '/audio-files', statuses: [415, 422], why: 'the file must be a WAV by its content; schemathesis has no WAV to send' },
  { method: 'POST', path: '/number-unsubscriptions', statuses: [415, 422], why: 'the file must be an .xlsx by its content with 1-10,000 numbers in its first column' },
  { method: 'POST', path: '/number-orders', statuses: [422], why: 'the enterprise must be approved and the app in normal state (state, not shape); a city may be listed once' },
  { method: 'POST', path: '/apps', statuses: [422], why: 'the business type must be active for the tenant (state); a callback URL must parse with a host and no credentials' },
  { method: 'PATCH', path: '/apps/{id}', statuses: [422], why: 'recording cannot be turned off, the business type never changes, an opt-out goes alone (all depend on the app as it is); a callback URL must parse with a host and no credentials' },
];

const toml = (value: unknown) => JSON.stringify(value);

/**
 * The configuration file schemathesis runs with: the exceptions above. Ids of real objects come
 * from the document's links (a submission's answer names its subjectId and review id), not from
 * fixed values: a fixed id overrides the link in stateful sequences too, so a sequence that
 * deleted it would then blame the link.
 */
export function schemathesisConfig(): string {
  const lines: string[] = ['# Written by test/fuzz/schemathesis.test.ts; the reasons are in test/fuzz/support/schemathesis.ts and docs/testing.md.', ''];
  for (const e of NOT_EXPRESSIBLE) {
    lines.push('[[operations]]', `include-path = ${toml(e.path)}`, `include-method = ${toml(e.method)}`, `checks.positive_data_acceptance.expected-statuses = ${toml(['2xx', '3xx', '401', '403', '404', '409', '429', ...e.statuses.map(String)])}`, '');
  }
  return `${lines.join('\n')}\n`;
}
