import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A web session (`dashboard.sessions`), known by the hash of its id; the id itself is the cookie. */
@Entity({ schema: 'dashboard', name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn({ name: 'id_hash', type: 'text' })
  idHash: string;

  /** The user's e-mail (deleting the user deletes the session). */
  @Column({ type: 'text' })
  email: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt: Date;
}
