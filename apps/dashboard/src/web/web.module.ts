import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AssetsController } from './assets.controller';
import { DashboardErrorFilter } from './error.filter';
import { PageContexts } from './page-context';

/**
 * The web kit every feature's pages are made with: the layout, formats and charts (plain
 * functions), the reader's page context, the script and the error pages for the whole dashboard.
 */
@Module({
  controllers: [AssetsController],
  providers: [PageContexts, { provide: APP_FILTER, useClass: DashboardErrorFilter }],
  exports: [PageContexts],
})
export class WebModule {}
