import type { WriteBackMode } from '@forewarn/write-back';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A row of `gateway.write_back`: whether and how Forewarn writes notes back to a helpdesk source's cases. */
@Entity({ schema: 'gateway', name: 'write_back' })
export class WriteBackEntity {
  @PrimaryColumn('text')
  source: string;

  @Column('text')
  mode: WriteBackMode;

  @Column('text', { name: 'api_url', nullable: true })
  apiUrl: string | null;

  @Column('text', { name: 'api_user', nullable: true })
  apiUser: string | null;

  /** The API token sealed under FOREWARN_SECRET (`fw1.…`); never the token. */
  @Column('text', { name: 'api_token_sealed', nullable: true })
  apiTokenSealed: string | null;

  @Column('text', { nullable: true })
  tag: string | null;

  @Column('boolean', { name: 'support_heads_up' })
  supportHeadsUp: boolean;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
