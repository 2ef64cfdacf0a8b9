// Lint: typescript-eslint's recommended rules, a ban on focused and skipped tests, and the layers'
// one-way dependencies: model <- domain <- store <- http <- handlers; routes.ts plain data; lib/ and functions/ apart.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import appsync from '@aws-appsync/eslint-plugin';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'coverage/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].flatMap((object) =>
          ['only', 'skip', 'todo'].map((property) => ({
            object,
            property,
            message: 'Focused, skipped and todo tests hide failures.',
          })),
        ),
      ],
    },
  },
  ...layers(),
  {
    // Run by AppSync in its APPSYNC_JS runtime: AWS's own rules hold it to what that runtime supports.
    files: ['functions/realtime/*.js'],
    ...appsync.configs.recommended,
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      parserOptions: { projectService: { allowDefaultProject: ['functions/realtime/*.js'] } },
      // The runtime's one global besides the imported `util`: console.log goes to the API's log.
      globals: { console: 'readonly' },
    },
  },
);

/** Each folder may import only the layers below it (a relative path around an alias counts too). */
function layers() {
  const outside = (...folders) => folders.flatMap((f) => [`\\#${f}/*`, `../${f}/*`, `../../${f}/*`]);
  // The route table is the HTTP edge's and lib/'s: the layers below it know no routes.
  const ROUTE_TABLE = ['../routes.ts', '../../routes.ts', '../route-table/*', '../../route-table/*'];
  const only = (files, regex) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex, message: 'The route table is plain data that lib/ loads: it imports nothing else.' }] },
      ],
    },
  });
  const rule = (files, patterns, message) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
  });
  return [
    rule(
      ['functions/**/*.ts'],
      ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '**/lib/*'],
      'The shared module never imports CDK.',
    ),
    rule(
      ['functions/model/**/*.ts'],
      [...outside('domain', 'store', 'http', 'docs', 'events', 'handlers', 'web'), '../*', '!./*', 'aws-cdk-lib'],
      'model/ is the vocabulary every layer shares: it imports none of them.',
    ),
    rule(
      ['functions/domain/**/*.ts'],
      [...outside('store', 'http', 'docs', 'events', 'handlers', 'web'), ...ROUTE_TABLE, 'aws-cdk-lib', '@aws-sdk/*'],
      'domain/ depends on model/ alone: its decisions are pure.',
    ),
    rule(
      ['functions/store/**/*.ts'],
      [...outside('http', 'docs', 'events', 'handlers', 'web'), ...ROUTE_TABLE, 'aws-cdk-lib'],
      'store/ depends on domain/ and model/, never on the HTTP edge.',
    ),
    rule(
      ['functions/http/**/*.ts'],
      [...outside('docs', 'handlers', 'events', 'web'), 'aws-cdk-lib'],
      'http/ is imported by handlers, not the other way round.',
    ),
    // The route table is plain data that lib/ loads: routes.ts lists its files' entries, and they
    // import each other and the table definition, nothing else.
    only(['functions/routes.ts'], '^(?!\\./route-table/[\\w-]+\\.ts$)'),
    only(['functions/route-table/*.ts'], '^(?!(\\./[\\w-]+|\\.\\./store/table-definition)\\.ts$)'),
    rule(
      ['lib/**/*.ts', 'bin/**/*.ts'],
      [
        ...['model', 'domain', 'http', 'docs', 'events', 'handlers', 'web'].map((f) => `**/functions/${f}/*`),
        '!**/functions/events/stream-filter.ts',
        '\\#model/*',
        '\\#domain/*',
        '\\#http/*',
        '\\#store/*',
        '!\\#store/table-definition.ts',
        '**/functions/store/*',
        '!**/functions/store/table-definition.ts',
      ],
      'lib/ imports the route table, the table definition and the stream filter (plain data), never runtime code.',
    ),
  ];
}
