import type { LoggerService } from '@nestjs/common';
import { StartupDetailAtDebug } from './startup-log-level';

function recorder() {
  const lines: { level: string; message: unknown; context: unknown }[] = [];
  const at = (level: string) => (message: unknown, ...params: unknown[]) => lines.push({ level, message, context: params[params.length - 1] });
  const inner: LoggerService = { log: at('info'), error: at('error'), warn: at('warn'), debug: at('debug'), verbose: at('trace'), fatal: at('fatal') };
  return { logger: new StartupDetailAtDebug(inner), lines };
}

describe('start-up detail at debug', () => {
  it('logs Nest’s route maps and module initialisation at debug', () => {
    const { logger, lines } = recorder();
    logger.log('Mapped {/readyz, GET} route', 'RouterExplorer');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Nest application successfully started', 'NestApplication');
    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug', 'debug']);
  });

  it('keeps the level of everything else, and of Nest’s own warnings and errors', () => {
    const { logger, lines } = recorder();
    logger.log({ msg: 'gateway listening', port: 3001 });
    logger.log({ msg: 'health policy in force' }, 'HealthPolicyHolder');
    logger.error('listen EADDRINUSE', 'NestApplication');
    logger.warn('something odd', 'NestFactory');
    expect(lines.map((l) => l.level)).toEqual(['info', 'info', 'error', 'warn']);
    expect(lines[1].context).toBe('HealthPolicyHolder');
  });
});
