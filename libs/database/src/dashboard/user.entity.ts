import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const USER_ROLES = ['rep', 'lead', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** `invited`: created by an admin, waiting for the invite link; `deactivated`: kept for the record, cannot sign in. */
export const USER_STATUSES = ['active', 'invited', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A dashboard user (`dashboard.users`): who they are, and the hashes of their API token and password. */
@Entity({ schema: 'dashboard', name: 'users' })
export class UserEntity {
  /** Lower case, as every look-up writes it. */
  @PrimaryColumn({ type: 'text' })
  email: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  @Column({ type: 'text' })
  role: UserRole;

  @Column({ type: 'text', nullable: true })
  team: string | null;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'text', default: 'active' })
  status: UserStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
