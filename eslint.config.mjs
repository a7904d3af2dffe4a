// ESLint (flat config). Two jobs beyond the usual TypeScript checks:
// 1. Layering (STYLE.md §1), enforced by @nx/enforce-module-boundaries on Nx project tags:
//    type:<layer> says what a project may import; scope:<service> keeps services apart.
// 2. Determinism of pure cores: consensus/storage/testing cores and util read no clock, no
//    randomness, no timers and no I/O, so the simulator can replay any run from its seed.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const frameworkPackages = ['@nestjs/*', 'express', '@grpc/grpc-js', 'rxjs', 'reflect-metadata', 'pino', '@opentelemetry/*'];
const ioModules = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'child_process', 'worker_threads', 'timers', 'timers/promises', 'cluster', 'os', 'perf_hooks'];

export const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:nest', 'type:runtime', 'type:core', 'type:util', 'type:proto'] },
  { sourceTag: 'type:nest', onlyDependOnLibsWithTags: ['type:nest', 'type:runtime', 'type:core', 'type:util', 'type:proto'] },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:runtime', 'type:core', 'type:util', 'type:proto'], bannedExternalImports: ['@nestjs/*', 'express'] },
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core', 'type:util'], bannedExternalImports: frameworkPackages },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: frameworkPackages },
  { sourceTag: 'type:proto', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:runtime', 'type:core', 'type:util', 'type:proto'], bannedExternalImports: ['@nestjs/*', 'express'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:runtime', 'type:util', 'type:proto'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...['object-store', 'cache', 'message-queue', 'api-gateway', 'orchestrator', 'cluster-manager'].map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
  })),
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
];

export const pureCoreFiles = ['libs/**/core/src/**/*.ts', 'libs/shared/util/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/gen/**', '.nx/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Nest resolves constructor parameters from emitted decorator metadata, which needs value imports.
    files: ['libs/*/nest/src/**/*.ts', 'libs/platform/nest/src/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: pureCoreFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.flatMap((name) => [name, `node:${name}`]).map((name) => ({ name, message: 'Pure cores do no I/O and read no clock: take it as an argument.' })),
          patterns: [{ group: frameworkPackages, message: 'Pure cores import no framework.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'performance', 'fetch'].map((name) => ({
          name,
          message: 'Pure cores are driven by ticks and injected time; timers live in the runtime.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Time is an input to pure cores (ticks or an injected clock).' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time is an input to pure cores (ticks or an injected clock).' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Randomness comes from an injected seeded source.' },
        { selector: "CallExpression[callee.property.name='randomUUID']", message: 'Randomness comes from an injected seeded source.' },
        { selector: "CallExpression[callee.property.name='randomBytes']", message: 'Randomness comes from an injected seeded source.' },
      ],
    },
  },
);
