import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A link from a mail that was pressed (`dashboard.link_uses`): known by the hash of what it says, never stored as the credential it is. */
@Entity({ schema: 'dashboard', name: 'link_uses' })
export class LinkUseEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ type: 'text' })
  action: 'ack' | 'snooze';

  @Column({ name: 'alert_id', type: 'text' })
  alertId: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'timestamptz', nullable: true })
  until: Date | null;

  @Column({ name: 'used_at', type: 'timestamptz' })
  usedAt: Date;
}
