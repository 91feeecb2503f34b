import type { AlertRaised, HealthState } from '@forewarn/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest alert about each account (`notifier.account_status`): who is on it, for the digests. */
@Entity({ schema: 'notifier', name: 'account_status' })
export class AccountStatusEntity {
  @PrimaryColumn({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ name: 'lead_email', type: 'text', nullable: true })
  leadEmail: string | null;

  @Column({ type: 'text', nullable: true })
  team: string | null;

  @Column({ type: 'text' })
  state: HealthState;

  @Column({ type: 'jsonb' })
  alert: AlertRaised;

  /** The alert's time: an older alert arriving late changes nothing. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
