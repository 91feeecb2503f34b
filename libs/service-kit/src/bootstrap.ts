import type { INestApplication } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';

/** The tail of every `main.ts`: our logger, clean shutdown on SIGTERM/SIGINT, listen. */
export async function serve(app: INestApplication, port: number, service: string): Promise<void> {
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  await app.listen(port, '0.0.0.0');
  app.get(PinoNestLogger).log({ msg: `${service} listening`, port });
}
