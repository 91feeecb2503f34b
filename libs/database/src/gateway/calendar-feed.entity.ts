import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CalendarFeed } from './calendar-feed';

/** A row of `gateway.calendar_feeds`. */
@Entity({ schema: 'gateway', name: 'calendar_feeds' })
export class CalendarFeedEntity implements CalendarFeed {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  url: string;

  @Column('text', { name: 'owner_email', nullable: true })
  ownerEmail: string | null;

  @Column('text', { nullable: true })
  team: string | null;

  @Column('integer', { name: 'interval_minutes' })
  intervalMinutes: number;

  @Column('text', { nullable: true })
  etag: string | null;

  @Column('text', { name: 'last_modified', nullable: true })
  lastModified: string | null;

  /** The feed's last text, read only when a 304 is re-planned: never loaded with the feed. */
  @Column('text', { nullable: true, select: false })
  body?: string | null;

  @Column('timestamptz', { name: 'next_poll_at', default: () => 'now()' })
  nextPollAt: Date;

  @Column('timestamptz', { name: 'last_polled_at', nullable: true })
  lastPolledAt: Date | null;

  @Column('text', { name: 'last_status', nullable: true })
  lastStatus: string | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'removed_at', nullable: true })
  removedAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('boolean', { name: 'allow_internal', default: false })
  allowInternal: boolean;
}
