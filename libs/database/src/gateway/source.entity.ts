import type { Allowance } from '@forewarn/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { SourceKind, SourceSettings } from './source';

/** A row of `gateway.sources`: a support system allowed to send events. Only hashes of its api keys are kept. */
@Entity({ schema: 'gateway', name: 'sources' })
export class SourceEntity {
  @PrimaryColumn('text')
  name: string;

  @Column('text')
  kind: SourceKind;

  @Column('text', { name: 'api_key_hash' })
  apiKeyHash: string;

  @Column('text', { name: 'signing_secret', nullable: true })
  signingSecret: string | null;

  @Column('text', { nullable: true })
  mapping: string | null;

  @Column('timestamptz', { name: 'mapping_updated_at', nullable: true })
  mappingUpdatedAt: Date | null;

  @Column('text', { array: true })
  allow: Allowance[];

  /** The key before the last rotation, while its grace period lasts. */
  @Column('text', { name: 'previous_api_key_hash', nullable: true })
  previousApiKeyHash: string | null;

  @Column('timestamptz', { name: 'previous_key_expires_at', nullable: true })
  previousKeyExpiresAt: Date | null;

  @Column('timestamptz', { name: 'key_rotated_at', nullable: true })
  keyRotatedAt: Date | null;

  /** Configuration its kind's mapper reads (not secrets), checked by the vendor's `validateSettings`. */
  @Column('jsonb', { default: () => "'{}'::jsonb" })
  settings: SourceSettings;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
