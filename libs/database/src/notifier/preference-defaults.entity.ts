import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row of `notifier.preference_defaults`: what the notifier applies to people who saved no preferences. */
@Entity({ schema: 'notifier', name: 'preference_defaults' })
export class PreferenceDefaultsEntity {
  @PrimaryColumn({ type: 'boolean' })
  singleton: boolean;

  @Column({ type: 'text' })
  mode: 'immediate' | 'digest';

  @Column({ name: 'quiet_start', type: 'text', nullable: true })
  quietStart: string | null;

  @Column({ name: 'quiet_end', type: 'text', nullable: true })
  quietEnd: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
