// Unit tests live next to the code (apps/**, libs/**) and need no infrastructure;
// integration tests (test/integration, *.int-spec.ts) run repositories and services against a real
// PostgreSQL without Kafka; end-to-end tests live under test/ and run against real Kafka, PostgreSQL and SMTP.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } }];
const moduleNameMapper = { '^@forewarn/([a-z-]+)$': '<rootDir>/libs/$1/src' };

// `jest --selectProjects e2e test/x.e2e-spec.ts` reads the path as a second project name (the option
// takes several values) and so runs every test of the project. Paths given anywhere on the command
// line narrow the run, as they do when they come first.
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const paths = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && /^(\.\/)?(test|apps|libs)\//.test(arg)).map((arg) => escape(arg.replace(/^\.\//, '')));
const only = (suffix) => ({ testRegex: `^(?=.*(?:${paths.join('|')})).*${suffix}$` });

module.exports = {
  projects: [
    { displayName: 'unit', testEnvironment: 'node', roots: ['<rootDir>/apps', '<rootDir>/libs'], ...(paths.length ? only('(?<!e2e-)\\.spec\\.ts') : { testMatch: ['**/*.spec.ts'] }), transform: { '^.+\\.ts$': swc }, moduleNameMapper },
    { displayName: 'integration', testEnvironment: 'node', roots: ['<rootDir>/test'], ...(paths.length ? only('\\.int-spec\\.ts') : { testMatch: ['**/*.int-spec.ts'] }), transform: { '^.+\\.ts$': swc }, moduleNameMapper, globalSetup: '<rootDir>/test/support/integration-setup.ts', setupFilesAfterEnv: ['<rootDir>/test/support/integration-jest-setup.ts'] },
    { displayName: 'e2e', testEnvironment: 'node', roots: ['<rootDir>/test'], ...(paths.length ? only('\\.e2e-spec\\.ts') : { testMatch: ['**/*.e2e-spec.ts'] }), transform: { '^.+\\.ts$': swc }, moduleNameMapper, globalSetup: '<rootDir>/test/support/global-setup.ts', globalTeardown: '<rootDir>/test/support/global-teardown.ts', setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'] },
  ],
};
