import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Readiness } from '@forewarn/service-kit';
import { DataSource } from 'typeorm';
import { openDatabase } from './data-source';

@Injectable()
class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource, private readonly readiness: Readiness) {}

  onModuleInit(): void {
    this.readiness.register('postgres', async () => {
      await this.dataSource.query('SELECT 1');
      return true;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the TypeORM DataSource, created (database and migrations included) before the app starts. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: { url: string; applicationName: string; poolSize?: number }): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DataSource, useFactory: () => openDatabase(options.url, options) },
        DatabaseLifecycle,
      ],
      exports: [DataSource],
    };
  }
}
