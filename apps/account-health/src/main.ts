import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { accountHealthEnvSchema, loadConfigOrExit, loadPolicyFile } from '@forewarn/config';
import { type HealthPolicy, PolicyError } from '@forewarn/health';
import { KafkaBatchServer } from '@forewarn/messaging';
import { serve } from '@forewarn/service-kit';
import { AccountHealthModule } from './account-health.module';
import { HealthPolicyHolder } from './policy/health-policy.holder';

/** A bad policy file stops the start with one clear line, like a bad setting. */
function loadPolicyOrExit(file: string | undefined): HealthPolicy {
  try {
    return loadPolicyFile(file);
  } catch (error) {
    if (error instanceof PolicyError) {
      process.stderr.write(`forewarn account-health: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit('account-health', accountHealthEnvSchema);
  const policy = loadPolicyOrExit(config.HEALTH_POLICY_FILE);
  const app = await NestFactory.create(AccountHealthModule.forRoot(config, policy), { bufferLogs: true });
  app.connectMicroservice({ strategy: app.get(KafkaBatchServer) });
  // HTTP first: /healthz answers while the consumer waits to join its group (up to a session timeout after a crash).
  await serve(app, config.ACCOUNT_HEALTH_PORT, 'account-health');
  await app.startAllMicroservices();
  // SIGHUP reloads the health policy, as daemons do; it does not stop the service.
  const holder = app.get(HealthPolicyHolder);
  process.removeAllListeners('SIGHUP');
  process.on('SIGHUP', () => holder.reload('SIGHUP'));
}

void main();
