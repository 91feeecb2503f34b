// Lint: typescript-eslint's recommended rules, and the boundaries the layout promises, checked
// in CI (`npm run lint`):
// - domain libraries (contracts, health, alerting, ingest, write-back) are plain TypeScript: no Nest, no
//   database, no Kafka, no file system;
// - apps never import each other, and libraries never import apps;
// - inside an app, feature folders import one way: no import cycles.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const DOMAIN_LIBS = ['contracts', 'health', 'alerting', 'ingest', 'write-back'];
const APPS = ['gateway', 'account-health', 'notifier', 'dashboard', 'forewarn'];
/** The dashboard's folders and those each may import from (a strict order: no two depend on each other). */
const DASHBOARD_FOLDERS = {
  common: [],
  web: ['common'],
  auth: ['common', 'web'],
  alerts: ['common', 'web', 'auth'],
  audit: ['common', 'web', 'auth'],
  'dev-mail': ['common', 'web', 'auth'],
  meetings: ['common', 'web', 'auth'],
  unmapped: ['common', 'web', 'auth'],
  feedback: ['common', 'web', 'auth'],
  preferences: ['common', 'web', 'auth', 'feedback'],
  accounts: ['common', 'web', 'auth', 'alerts'],
  live: ['common', 'auth'],
  week: ['common', 'web', 'auth', 'accounts'],
  admin: ['common', 'web', 'auth'],
};

const infrastructure = ['@nestjs/*', '@nestjs-cls/*', 'nestjs-cls', 'typeorm', 'pg', 'kafkajs', 'nodemailer', 'node:fs', 'fs', 'node:fs/promises', 'fs/promises'];

/** Import paths into the apps other than `app`. */
const otherApps = (app) => APPS.filter((other) => other !== app).flatMap((other) => [`**/apps/${other}/**`, `../../${other}/**`, `../../../${other}/**`, `../../../../${other}/**`]);

/** The gateway's features: each may use `ingest/` (what every ingest route shares) and the root's files, never another feature. */
const GATEWAY_FEATURES = ['events', 'webhooks', 'calendar', 'docs'];

const noImportOf = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: groups.map((group) => ({ group: [group].flat(), message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })], 'import-x/extensions': ['.ts'], 'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Empty interfaces name a shape on purpose; `any` is refused where it matters (on the wire) by zod, not here.
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
    },
  },
  // Libraries never import apps.
  {
    files: ['libs/**/*.ts'],
    rules: noImportOf([['**/apps/**', '../../apps/**', '../../../apps/**']], 'Libraries never import apps: move what both need into a library.'),
  },
  // Domain libraries stay free of frameworks and I/O.
  ...DOMAIN_LIBS.map((lib) => ({
    files: [`libs/${lib}/src/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: infrastructure, message: `@forewarn/${lib} is a domain library: plain functions and types, no framework, database, broker or file system. Do the I/O in an app or an infrastructure library and pass the data in.` },
          { group: ['**/apps/**'], message: 'Libraries never import apps.' },
          { group: ['@forewarn/database', '@forewarn/messaging', '@forewarn/service-kit', '@forewarn/devstack', '@forewarn/projection'], message: `@forewarn/${lib} is a domain library: it may use other domain libraries and @forewarn/config types only.` },
        ],
      }],
    },
  })),
  // Apps never import each other.
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: noImportOf([otherApps(app)], `Apps never import each other: ${app} must not reach into another app; share through a library.`),
  })),
  // Inside the gateway, folders import one way: features → ingest → nothing of theirs. (A later block's
  // no-restricted-imports replaces an earlier one's, so the apps' rule is stated again.)
  ...['ingest', ...GATEWAY_FEATURES].map((folder) => ({
    files: [`apps/gateway/src/${folder}/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: otherApps('gateway'), message: 'Apps never import each other: gateway must not reach into another app; share through a library.' },
          {
            group: GATEWAY_FEATURES.filter((feature) => feature !== folder).flatMap((feature) => [`../${feature}`, `../${feature}/**`, `../../${feature}`, `../../${feature}/**`]),
            message: `apps/gateway/src/${folder} must not import ${folder === 'ingest' ? 'a' : 'another'} feature: features use ingest/ and the root's files; ingest/ uses no feature.`,
          },
        ],
      }],
    },
  })),
  // The notifier's feature folders import one way: intake and digest -> delivery -> audience; intake and delivery -> writeback; retention imports none of them; the root module imports them all.
  {
    files: ['apps/notifier/src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', {
        zones: [
          ['intake', ['digest', 'preferences']],
          ['digest', ['intake', 'preferences', 'writeback']],
          ['preferences', ['intake', 'digest', 'delivery', 'audience', 'writeback']],
          ['delivery', ['intake', 'digest', 'preferences']],
          ['audience', ['intake', 'digest', 'preferences', 'delivery', 'writeback']],
          ['retention', ['intake', 'digest', 'preferences', 'delivery', 'audience', 'writeback']],
          ['writeback', ['intake', 'digest', 'preferences', 'delivery', 'audience', 'retention']],
        ].map(([target, from]) => ({
          target: `./apps/notifier/src/${target}`,
          from: [...from.map((folder) => `./apps/notifier/src/${folder}`), './apps/notifier/src/notifier.module.ts'],
          message: `The notifier's folders import one way (intake, digest -> delivery -> audience; intake, delivery -> writeback): ${target} must not import this.`,
        })),
      }],
    },
  },
  // Inside the dashboard, folders import one way: each only from those listed for it (the web kit
  // and common at the bottom, each feature's pages in its own folder), never from the root module.
  {
    files: ['apps/dashboard/src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', {
        zones: Object.entries(DASHBOARD_FOLDERS).map(([folder, allowed]) => ({
          target: `./apps/dashboard/src/${folder}`,
          from: [
            ...Object.keys(DASHBOARD_FOLDERS).filter((other) => other !== folder && !allowed.includes(other)).map((other) => `./apps/dashboard/src/${other}`),
            './apps/dashboard/src/dashboard.module.ts',
            './apps/dashboard/src/main.ts',
          ],
          message: `The dashboard's ${folder}/ may import only from ${allowed.length ? allowed.map((f) => `${f}/`).join(', ') : 'libraries'}: move what both need down, so dependencies point one way.`,
        })),
      }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  // account-health's feature folders import one way: sweep -> projection -> policy, outbox; retention imports none of them; the root module imports them all.
  {
    files: ['apps/account-health/src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', {
        zones: [
          ['policy', ['outbox', 'projection', 'sweep']],
          ['outbox', ['policy', 'projection', 'sweep']],
          ['projection', ['sweep']],
          ['sweep', []],
          ['retention', ['outbox', 'policy', 'projection', 'sweep']],
        ].map(([target, from]) => ({
          target: `./apps/account-health/src/${target}`,
          from: [...from.map((folder) => `./apps/account-health/src/${folder}`), './apps/account-health/src/account-health.module.ts'],
          message: `account-health's folders import one way (sweep -> projection -> policy, outbox): ${target} must not import this.`,
        })),
      }],
    },
  },
);
