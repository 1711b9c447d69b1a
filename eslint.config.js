// Lint: type-aware TypeScript rules, workflow determinism, and the layer rule of docs/architecture.md
// (imports go one way: domain ← db ← services ← edges ← workers). `npm run lint` runs it; `npm test` too.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/** The layers: one folder each. */
const layerFolders = [
  'domain',
  'platform',
  'contracts',
  'db',
  'services',
  'workflows',
  'activities',
  'api',
  'telephony',
  'notifications',
  'workers',
  'catalog',
  'migrations',
];
const elements = [
  ...layerFolders.map((type) => ({ type, pattern: type })),
  { type: 'console', pattern: 'admin-ui' },
  { type: 'tooling', pattern: ['scripts', 'bench', 'test'] },
];
const files = [
  // The connection handle and the typed schema: what edges may name (as a type) without reaching a repository.
  { category: 'db-handle', pattern: ['db/connection.ts', 'db/database.ts'] },
  // Workflow ids, inputs, signal/update/query definitions: no workflow code, importable by any process.
  { category: 'workflow-contract', pattern: 'workflows/*.definitions.ts' },
];

const to = (...types) => ({ to: { element: { types: { anyOf: types } } } });
const typesOnly = (...types) => ({ ...to(...types), dependency: { kind: 'type' } });
const workflowContracts = { to: { element: { type: 'workflows' }, file: { categories: 'workflow-contract' } } };
/** An edge (HTTP, SIP, message channels): services and below, and the Db type only. */
const edge = (name) => [
  to(name, 'services', 'contracts', 'domain', 'platform'),
  workflowContracts,
  { to: { element: { type: 'db' }, file: { categories: 'db-handle' } }, dependency: { kind: 'type' } },
];
/** Who may import whom. Anything not listed is refused. */
const layers = {
  domain: [to('domain')],
  platform: [to('platform', 'domain')],
  contracts: [to('contracts', 'domain')],
  db: [to('db', 'domain', 'platform')],
  services: [to('services', 'db', 'domain', 'platform', 'contracts'), workflowContracts],
  // Determinism: workflow code imports values only from pure modules, and activities or services as types.
  workflows: [to('workflows', 'domain'), typesOnly('activities', 'services')],
  activities: [to('activities', 'services', 'db', 'domain', 'platform', 'contracts'), workflowContracts],
  // The API serves the citizen's page: it registers that edge's plugin (and nothing else of it).
  api: edge('api'),
  telephony: edge('telephony'),
  notifications: edge('notifications'),
  workers: [
    to('workers', 'api', 'activities', 'telephony', 'notifications', 'services', 'db', 'domain', 'platform', 'contracts'),
    workflowContracts,
  ],
  catalog: [to('catalog', 'domain', 'contracts')],
  migrations: [to('migrations')],
  console: [to('console', 'domain', 'contracts')],
  tooling: [to(...elements.map((e) => e.type))],
};
const policies = Object.entries(layers).map(([from, allow]) => ({ from: { element: { type: from } }, allow }));

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'http',
  'https',
  'dgram',
  'stream',
  'url',
  'util',
  'worker_threads',
  'process',
];

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
      'boundaries/files': files,
      'import/resolver': { typescript: { project: ['tsconfig.json', 'admin-ui/tsconfig.json'], noWarnOnMultipleProjects: true } },
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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'workflow code runs in a deterministic sandbox: no Node built-ins' },
            {
              group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker'],
              message: 'workflow code may use @temporalio/workflow and @temporalio/common only',
            },
          ],
        },
      ],
    },
  },
  // Configuration files at the root belong to no layer.
  { files: ['*.config.ts'], rules: { 'boundaries/no-unknown-files': 'off' } },
  // Tests read JSON bodies and build broken documents on purpose.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // Migrations are frozen and typed `Kysely<any>` on purpose: they must not follow today's schema types.
  { files: ['migrations/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  // Modules Temporal loads by path with require() (services/failure-converter.cjs).
  {
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
