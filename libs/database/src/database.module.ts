import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Readiness } from '@forewarn/service-kit';
import { ClsModule } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { type DataSourceOptions, openDatabase } from './data-source';
import { AuditLog } from './audit/audit-log';
import { TxHost } from './unit-of-work';

export interface DatabaseOptions extends DataSourceOptions {
  url: string;
  applicationName: string;
}

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

/** The TypeORM DataSource, created (database and migrations included) before the app starts. */
@Module({})
class DataSourceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DataSourceModule,
      providers: [{ provide: DataSource, useFactory: () => openDatabase(options.url, options) }],
      exports: [DataSource],
    };
  }
}

/**
 * PostgreSQL for a Forewarn process: the DataSource, and the unit of work. Repositories query
 * through `TxHost#tx`: inside `txHost.withTransaction(…)` (or a
 * `@Transactional()` method) that is the transaction's EntityManager, outside it the pool's. So a
 * service decides where a transaction begins and ends, and every repository it calls joins it.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    const dataSource = DataSourceModule.forRoot(options);
    return {
      module: DatabaseModule,
      imports: [
        dataSource,
        ClsModule.forRoot({
          global: true,
          plugins: [new ClsPluginTransactional({ imports: [dataSource], adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }) })],
        }),
      ],
      providers: [DatabaseLifecycle, { provide: TxHost, useExisting: TransactionHost }, AuditLog],
      exports: [dataSource, TxHost, AuditLog],
    };
  }
}
