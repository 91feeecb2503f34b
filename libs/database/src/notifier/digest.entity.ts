import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A digest composed for one person and local day (`notifier.digests`), so each goes out once. */
@Entity({ schema: 'notifier', name: 'digests' })
export class DigestEntity {
  @PrimaryColumn({ type: 'text' })
  email: string;

  /** Their local day, YYYY-MM-DD. */
  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;
}
