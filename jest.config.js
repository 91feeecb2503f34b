// Unit tests live next to the code (apps/**, libs/**) and need no infrastructure;
// end-to-end tests live under test/ and run against real Kafka, PostgreSQL and SMTP.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' } }];
const moduleNameMapper = { '^@forewarn/([a-z-]+)$': '<rootDir>/libs/$1/src' };

module.exports = {
  projects: [
    { displayName: 'unit', testEnvironment: 'node', roots: ['<rootDir>/apps', '<rootDir>/libs'], testMatch: ['**/*.spec.ts'], transform: { '^.+\\.ts$': swc }, moduleNameMapper },
    { displayName: 'e2e', testEnvironment: 'node', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'], transform: { '^.+\\.ts$': swc }, moduleNameMapper, globalSetup: '<rootDir>/test/support/global-setup.ts', globalTeardown: '<rootDir>/test/support/global-teardown.ts', setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'] },
  ],
};
