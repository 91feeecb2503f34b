import { Logger } from '@nestjs/common';
import type { Command } from 'commander';
import { cliConfig } from '../cli-support';
import { LocalStack } from '../stack/run-stack';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the whole stack locally in the foreground (what `npm start` does)')
    .option('--no-demo', 'do not load the demo accounts, cases and meetings')
    .action(async (options: { demo: boolean }) => {
      const stack = new LocalStack({ demo: options.demo, config: cliConfig(), env: process.env });
      const shutdown = () => void stack.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      try {
        await stack.start();
      } catch (error) {
        new Logger('stack').error(`could not start: ${(error as Error).message}`);
        await stack.stop();
        process.exit(1);
      }
      await new Promise(() => undefined); // run until a signal arrives
    });
}
