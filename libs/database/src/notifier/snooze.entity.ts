import type { AccountSnoozed, HealthState } from '@forewarn/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Someone snoozed an account for themselves (`notifier.snoozes`) until a time; a louder state breaks through; cleared on recovery. */
@Entity({ schema: 'notifier', name: 'snoozes' })
export class SnoozeEntity {
  @PrimaryColumn({ name: 'account_id', type: 'text' })
  accountId: string;

  @PrimaryColumn({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  state: HealthState;

  @Column({ type: 'timestamptz' })
  until: Date;

  @Column({ type: 'text' })
  via: AccountSnoozed['data']['via'];

  @Column({ type: 'timestamptz' })
  at: Date;
}
