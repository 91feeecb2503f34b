import type { AlertAcknowledged, HealthState } from '@forewarn/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Someone on the team said they are on an account (`notifier.acknowledgements`): one per account, the latest; cleared on recovery. */
@Entity({ schema: 'notifier', name: 'acknowledgements' })
export class AcknowledgementEntity {
  @PrimaryColumn({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'alert_id', type: 'text' })
  alertId: string;

  /** The state they acknowledged: the same or a quieter one is not mailed again. */
  @Column({ type: 'text' })
  state: HealthState;

  @Column({ name: 'by_email', type: 'text' })
  byEmail: string;

  @Column({ name: 'by_name', type: 'text', nullable: true })
  byName: string | null;

  @Column({ type: 'text' })
  via: AlertAcknowledged['data']['via'];

  @Column({ type: 'timestamptz' })
  at: Date;
}
