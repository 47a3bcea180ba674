// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The layers and their allowed arrows (docs/architecture.md draws them): each folder names the
 * folders it must not import, so a wrong arrow fails `npm run lint`.
 */
const IO_PACKAGES = ['postgres', 'drizzle-orm', 'drizzle-orm/*', 'express', '@temporalio/*', 'pino', 'nodemailer'];
const dirs = (...names) => names.map((n) => `**/${n}/**`);
function layer(files, forbidden, message, opts = {}) {
  // opts.typeOnly: folders whose types may be imported; opts.regex: a forbidden path no folder pattern can say.
  return {
    files,
    ignores: opts.ignores ?? [],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: forbidden, message },
            ...(opts.typeOnly ? [{ group: opts.typeOnly, message: `${message} (types only)`, allowTypeImports: true }] : []),
            ...(opts.regex ? [{ regex: opts.regex, message }] : []),
          ],
        },
      ],
    },
  };
}

/**
 * Every kind's name, read off its definition (`kind: '…'` in domain/kinds/<kind>.ts), so a new kind
 * is covered by the rule below without naming it here.
 */
const KIND_NAMES = readdirSync(new URL('./domain/kinds/', import.meta.url))
  .filter((f) => f.endsWith('.ts'))
  .flatMap((f) => [...readFileSync(new URL(`./domain/kinds/${f}`, import.meta.url), 'utf8').matchAll(/^\s+kind: '([a-z_]+)',$/gm)].map((m) => m[1]));

/**
 * Shared code never names a kind: what is particular to one lives in its definition
 * (domain/kinds/), its subject store (db/subjects/), its partial (views/) and its translations
 * (i18n/messages/); shared code asks the registry, or takes the kind from the definition that owns
 * a feature (`numberOrderKind.kind`). Tests, benchmarks, scripts and migrations may name kinds.
 * Allowed, for its reason:
 * - the audit object type 'number_order' (domain/audit-actions.ts, activities/provisioning.ts):
 *   a noun of the audit log, stored in its rows, that happens to equal the kind's name; each line
 *   says so beside an eslint-disable comment.
 */
const kindNamed = {
  files: ['**/*.ts'],
  ignores: ['domain/kinds/**', 'db/subjects/**', 'views/**', 'i18n/messages/**', 'test/**', 'bench/**', 'scripts/**', 'migrations/**'],
  rules: {
    'no-restricted-syntax': [
      'error',
      {
        selector: `Literal[value=/^(${KIND_NAMES.join('|')})$/]`,
        message: 'Shared code does not name a review kind: ask the registry (domain/kinds/index.ts, db/subjects/index.ts) or take the kind from its definition.',
      },
    ],
  },
};
if (KIND_NAMES.length === 0) throw new Error('eslint.config.js read no kind name off domain/kinds/');

export default tseslint.config(
  { ignores: ['node_modules/**', 'vendor/**', 'data/**', 'migrations/**', '.cache/**', '.build/**', '*.js'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read arbitrary JSON answers.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  layer(['domain/**/*.ts'], [...dirs('db', 'i18n', 'server', 'activities', 'temporal', 'notices', 'deadlines', 'runtime', 'files', 'notifications', 'workflows', 'scripts'), ...IO_PACKAGES], 'domain/ is pure rules: it imports only domain/ and pure packages.'),
  layer(['i18n/**/*.ts'], [...dirs('db', 'server', 'activities', 'temporal', 'notices', 'deadlines', 'runtime', 'files', 'notifications', 'workflows', 'scripts'), ...IO_PACKAGES], 'i18n/ is the translations and their composers: every layer may import it, and it imports only domain/.'),
  layer(['db/**/*.ts'], dirs('server', 'activities', 'temporal', 'deadlines', 'runtime', 'notifications', 'workflows', 'scripts'), 'db/ is data access: it imports domain/, i18n/, files/ and drizzle, never the layers that use it.', { typeOnly: dirs('notices') }),
  layer(['notices/**/*.ts'], dirs('server', 'activities', 'temporal', 'deadlines', 'runtime', 'files', 'notifications', 'workflows', 'scripts'), 'notices/ renders and writes the outbox: it imports db/ and domain/ only.'),
  layer(['temporal/**/*.ts'], dirs('server', 'activities', 'notices', 'deadlines', 'files', 'notifications', 'scripts'), 'temporal/ is the door to workflows: it imports workflows/ (their messages), db/ and domain/, never its callers.', { typeOnly: dirs('runtime') }),
  layer(['deadlines/**/*.ts'], dirs('server', 'activities', 'temporal', 'files', 'notifications', 'scripts'), 'deadlines/ recomputes and steps deadlines: it imports db/, notices/, domain/ and workflow messages, never its callers.', { typeOnly: dirs('runtime') }),
  layer(['activities/**/*.ts'], [...dirs('server', 'scripts'), '**/runtime/web*', '**/runtime/worker*'], 'activities/ serve workflows: they reach workflows through temporal/ and never import the web server.'),
  layer(['server/**/*.ts'], [...dirs('activities', 'scripts'), '**/runtime/web*', '**/runtime/worker*'], 'server/ reaches workflows through temporal/ and notices through notices/, never through activities/.', { typeOnly: dirs('workflows') }),
  layer(['runtime/**/*.ts'], dirs('server'), 'Only runtime/web.ts starts the web server; the worker and the rest of runtime/ never import server/.', { ignores: ['runtime/web.ts'] }),
  layer(['files/**/*.ts', 'notifications/**/*.ts'], dirs('db', 'server', 'activities', 'temporal', 'notices', 'deadlines', 'runtime', 'workflows', 'scripts'), 'files/ and notifications/ are adapters: they import domain/ at most.'),
  {
    // Workflow code is replayed deterministically: no Node built-ins, no I/O modules.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not use Node built-ins.' })),
          patterns: [
            { group: ['**/activities/**', '**/db/**', '**/server/**', 'postgres', 'drizzle-orm*', 'pino', 'nodemailer', 'express'], message: 'Workflow code must not import I/O modules; import only types from activities.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch', 'require'],
    },
  },
  kindNamed,
);
