import { DatabaseModule } from '@forewarn/database';
import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TestKitModule } from './integration';

/**
 * Runs `work` with repositories from Nest's dependency injection over a test's database (a bus's,
 * already migrated), as the services and the CLI get them: for tests that prepare what an operator
 * would (sources, calendar feeds). The application context is closed when `work` ends.
 */
export async function withRepositories<T>(databaseUrl: string, imports: NonNullable<ModuleMetadata['imports']>, work: (app: TestingModule) => Promise<T>): Promise<T> {
  const app = await Test.createTestingModule({
    imports: [TestKitModule, DatabaseModule.forRoot({ url: databaseUrl, applicationName: 'forewarn-test', poolSize: 2 }), ...imports],
  }).compile();
  await app.init();
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
