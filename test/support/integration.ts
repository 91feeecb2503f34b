import { DatabaseModule } from '@forewarn/database';
import { Global, Module, type ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { Metrics, Readiness } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase, testTag } from './services';

/** What services get from ServiceKitModule, without HTTP or logging set-up. */
@Global()
@Module({ providers: [Readiness, Metrics], exports: [Readiness, Metrics] })
export class TestKitModule {}

export interface IntegrationApp {
  /** The Nest testing module: `app.get(SomeRepository)`. */
  app: TestingModule;
  database: TestDatabase;
  /** The DataSource the providers use, for the test's own checks. */
  db: DataSource;
  close(): Promise<void>;
}

/**
 * Repositories and services against a real PostgreSQL (a database of the test's own, migrated),
 * wired by Nest as in the services, without Kafka or HTTP: the middle test layer.
 */
export async function integrationApp(name: string, metadata: ModuleMetadata): Promise<IntegrationApp> {
  const database = await createTestDatabase(testTag(name));
  const app = await Test.createTestingModule({
    imports: [TestKitModule, DatabaseModule.forRoot({ url: database.url, applicationName: `forewarn-it-${name}`.slice(0, 60), poolSize: 4 }), ...(metadata.imports ?? [])],
    providers: metadata.providers ?? [],
    exports: metadata.exports ?? [],
  }).compile();
  await app.init();
  return {
    app,
    database,
    db: app.get(DataSource),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
