import { DashboardDataModule, GatewayDataModule } from '@forewarn/database';
import type { Command } from 'commander';
import { printJson, withApp } from '../cli-support';
import { loadDemo } from '../stack/demo-loader';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('load realistic demo accounts, cases and meetings through the gateway')
    .option('--gateway <url>', 'gateway base URL', 'http://127.0.0.1:3001')
    .action(async (options: { gateway: string }) => {
      const summary = await withApp([GatewayDataModule, DashboardDataModule], (app) => loadDemo(app, options.gateway.replace(/\/+$/, '')));
      printJson({ events: summary.events, users: summary.users, password: summary.password });
    });
}
