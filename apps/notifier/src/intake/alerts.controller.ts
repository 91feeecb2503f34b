import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@forewarn/contracts';
import { isTransientDatabaseError } from '@forewarn/service-kit';
import type { BatchOutcome, ConsumedMessage } from '@forewarn/messaging';
import { SenderService } from '../delivery/sender.service';
import { IntakeService } from './intake.service';

/** Thin transport handler: a batch of `<prefix>alerts.v1` in, notification rows out. */
@Controller()
export class AlertsController {
  constructor(private readonly intake: IntakeService, private readonly sender: SenderService) {}

  @EventPattern(TOPIC.alerts)
  async onAlerts(@Payload() batch: ConsumedMessage[]): Promise<BatchOutcome> {
    const outcome = await this.intake.applyBatch(batch).catch((error: unknown) => {
      // A dropped connection or a deadlock is retried as it is; only the messages' own faults may dead-letter them.
      if (isTransientDatabaseError(error)) return { rejected: [], retryLater: (error as Error).message };
      throw error;
    });
    this.sender.wake();
    return outcome;
  }
}
