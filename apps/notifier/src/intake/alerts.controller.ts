import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@forewarn/contracts';
import type { BatchOutcome, ConsumedMessage } from '@forewarn/messaging';
import { SenderService } from '../delivery/sender.service';
import { IntakeService } from './intake.service';

/** Thin transport handler: a batch of `<prefix>alerts.v1` in, notification rows out. */
@Controller()
export class AlertsController {
  constructor(private readonly intake: IntakeService, private readonly sender: SenderService) {}

  @EventPattern(TOPIC.alerts)
  async onAlerts(@Payload() batch: ConsumedMessage[]): Promise<BatchOutcome> {
    const outcome = await this.intake.applyBatch(batch);
    this.sender.wake();
    return outcome;
  }
}
