import type { HealthState } from '@forewarn/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The first acknowledgement of an alert that the dashboard published (`dashboard.acknowledgements`). */
@Entity({ schema: 'dashboard', name: 'acknowledgements' })
export class AcknowledgementClaimEntity {
  @PrimaryColumn({ name: 'alert_id', type: 'text' })
  alertId: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  state: HealthState;

  @Column({ name: 'by_email', type: 'text' })
  byEmail: string;

  @Column({ name: 'by_name', type: 'text', nullable: true })
  byName: string | null;

  @Column({ type: 'text' })
  via: string;

  @Column({ type: 'timestamptz' })
  at: Date;
}
