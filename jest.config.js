const nestCli = require('./nest-cli.json');

/** Tests that read the served OpenAPI document (and so need it exactly as `nest build` makes it). */
const OPENAPI_TESTS = 'test/openapi-[^/]*\\.e2e-spec\\.ts$';

const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/contract-hooks.ts'],
};

/**
 * The @nestjs/swagger compiler plugin fills in the document (response types from return types,
 * limits from class-validator rules). It needs a whole program, so files compiled with it are
 * type-checked together: slower, hence only for the OpenAPI tests.
 */
const swaggerPlugin = {
  path: '<rootDir>/test/support/swagger-plugin.js',
  options: nestCli.compilerOptions.plugins.find((plugin) => plugin.name === '@nestjs/swagger').options,
};

/** One run for unit tests (src/**.spec.ts) and e2e tests (test/**.e2e-spec.ts). */
module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: 'tests',
      testRegex: '(src/.*\\.spec\\.ts|test/.*\\.e2e-spec\\.ts)$',
      testPathIgnorePatterns: ['/node_modules/', OPENAPI_TESTS],
      transform: { '^.+\\.ts$': 'ts-jest' },
    },
    {
      ...common,
      displayName: 'openapi',
      testRegex: OPENAPI_TESTS,
      transform: {
        '^.+\\.ts$': [
          'ts-jest',
          { tsconfig: { isolatedModules: false }, diagnostics: false, astTransformers: { before: [swaggerPlugin] } },
        ],
      },
    },
  ],
};
