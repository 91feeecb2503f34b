import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@forewarn/contracts';
import type { BatchOutcome, ConsumedMessage } from '@forewarn/messaging';
import { OutboxRelay } from '../outbox/outbox-relay';
import { ProjectionService } from './projection.service';

/** Thin transport handler: a batch of `<prefix>events.v1` in, projections and outbox out. */
@Controller()
export class EventsController {
  constructor(private readonly projection: ProjectionService, private readonly relay: OutboxRelay) {}

  @EventPattern(TOPIC.events)
  async onEvents(@Payload() batch: ConsumedMessage[]): Promise<BatchOutcome> {
    const outcome = await this.projection.applyBatch(batch);
    this.relay.wake();
    return outcome;
  }
}
