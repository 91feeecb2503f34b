import { Module } from '@nestjs/common';
import { HealthDataModule } from '@forewarn/database';
import { HealthPolicyHolder } from './health-policy.holder';
import { PolicyInUseRecorder } from './policy-in-use.recorder';

/** The health policy in force: reloaded on change or SIGHUP, and recorded for the CLI. */
@Module({ imports: [HealthDataModule], providers: [HealthPolicyHolder, PolicyInUseRecorder], exports: [HealthPolicyHolder] })
export class PolicyModule {}
