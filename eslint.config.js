// Lint: type-aware TypeScript rules, workflow determinism, and the layer rule of docs/architecture.md
// (imports go one way: domain ← db ← services ← edges ← workers). `npm run lint` runs it; `npm test` too.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** The layers, first match wins (so a workflow's contract module is told apart from workflow code). */
const elements = [
  { type: 'domain', pattern: 'domain/**', mode: 'full' },
  { type: 'platform', pattern: 'platform/**', mode: 'full' },
  { type: 'contracts', pattern: 'contracts/**', mode: 'full' },
  // The connection handle and the typed schema: what edges may name (as a type) without reaching a repository.
  { type: 'db-handle', pattern: ['db/connection.ts', 'db/database.ts'], mode: 'full' },
  { type: 'db', pattern: 'db/**', mode: 'full' },
  { type: 'services', pattern: 'services/**', mode: 'full' },
  // Workflow ids, inputs, signal/update/query definitions: no workflow code, importable by any process.
  { type: 'workflow-contracts', pattern: 'workflows/*.definitions.ts', mode: 'full' },
  { type: 'workflows', pattern: 'workflows/**', mode: 'full' },
  { type: 'activities', pattern: 'activities/**', mode: 'full' },
  { type: 'api', pattern: 'api/**', mode: 'full' },
  { type: 'telephony', pattern: 'telephony/**', mode: 'full' },
  { type: 'workers', pattern: 'workers/**', mode: 'full' },
  { type: 'catalog', pattern: 'catalog/**', mode: 'full' },
  { type: 'migrations', pattern: 'migrations/**', mode: 'full' },
  { type: 'console', pattern: 'admin-ui/**', mode: 'full' },
  { type: 'tooling', pattern: ['scripts/**', 'bench/**', 'test/**', '*.config.ts'], mode: 'full' },
];

const to = (...types) => ({ to: { element: { types: { anyOf: types } } } });
const typesOnly = (...types) => ({ ...to(...types), dependency: { kind: 'type' } });
const data = ['db', 'db-handle'];
/** Who may import whom. Anything not listed is refused. */
const layers = {
  domain: [to('domain')],
  platform: [to('platform', 'domain')],
  contracts: [to('contracts', 'domain')],
  'db-handle': [to('db-handle', 'domain', 'platform')],
  db: [to(...data, 'domain', 'platform')],
  'workflow-contracts': [to('workflow-contracts', 'domain')],
  services: [to('services', ...data, 'domain', 'platform', 'contracts', 'workflow-contracts')],
  // Determinism: workflow code imports values only from pure modules, and activities or services as types.
  workflows: [to('workflows', 'workflow-contracts', 'domain'), typesOnly('activities', 'services')],
  activities: [to('activities', 'services', ...data, 'domain', 'platform', 'contracts', 'workflow-contracts')],
  api: [to('api', 'services', 'contracts', 'domain', 'platform', 'workflow-contracts'), typesOnly('db-handle')],
  telephony: [to('telephony', 'services', 'contracts', 'domain', 'platform', 'workflow-contracts'), typesOnly('db-handle')],
  workers: [to('workers', 'api', 'activities', 'telephony', 'services', ...data, 'domain', 'platform', 'contracts', 'workflow-contracts')],
  catalog: [to('catalog', 'domain', 'contracts')],
  migrations: [to('migrations')],
  console: [to('console', 'domain', 'contracts')],
  tooling: [to(...elements.map((e) => e.type))],
};
const policies = Object.entries(layers).map(([from, allow]) => ({ from: { element: { type: from } }, allow }));

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'dgram', 'stream', 'url', 'util', 'worker_threads', 'process'];

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', '.reports/', 'admin-ui/dist/', 'test-artifacts/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'import/resolver': { typescript: { project: ['tsconfig.json', 'admin-ui/tsconfig.json'] } },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'boundaries/dependencies': ['error', { default: 'disallow', policies }],
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'workflow code runs in a deterministic sandbox: no Node built-ins' },
          { group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker'], message: 'workflow code may use @temporalio/workflow and @temporalio/common only' },
        ],
      }],
    },
  },
  // Migrations are frozen and typed `Kysely<any>` on purpose: they must not follow today's schema types.
  { files: ['migrations/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
