import type { ChatChannel } from '@forewarn/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A person's notification preferences (`notifier.preferences`), as they last saved them on the dashboard. */
@Entity({ schema: 'notifier', name: 'preferences' })
export class PreferenceEntity {
  @PrimaryColumn({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  mode: 'immediate' | 'digest';

  /** Local "HH:MM"; quiet hours apply when both ends are set. */
  @Column({ name: 'quiet_start', type: 'text', nullable: true })
  quietStart: string | null;

  @Column({ name: 'quiet_end', type: 'text', nullable: true })
  quietEnd: string | null;

  @Column({ name: 'time_zone', type: 'text', nullable: true })
  timeZone: string | null;

  @Column({ type: 'jsonb', nullable: true })
  chat: ChatChannel | null;

  /** When they saved them (the event's time): an older update arriving late changes nothing. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
