import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC } from '@forewarn/contracts';
import { isTransientDatabaseError } from '@forewarn/service-kit';
import type { BatchOutcome, ConsumedMessage } from '@forewarn/messaging';
import { OutboxRelay } from '../outbox/outbox-relay';
import { ProjectionService } from './projection.service';

/** Thin transport handler: a batch of `<prefix>events.v1` in, projections and outbox out. */
@Controller()
export class EventsController {
  constructor(private readonly projection: ProjectionService, private readonly relay: OutboxRelay) {}

  @EventPattern(TOPIC.events)
  async onEvents(@Payload() batch: ConsumedMessage[]): Promise<BatchOutcome> {
    const outcome = await this.projection.applyBatch(batch).catch((error: unknown) => {
      // A dropped connection or a deadlock is retried as it is; only the messages' own faults may dead-letter them.
      if (isTransientDatabaseError(error)) return { rejected: [], retryLater: (error as Error).message };
      throw error;
    });
    this.relay.wake();
    return outcome;
  }
}
