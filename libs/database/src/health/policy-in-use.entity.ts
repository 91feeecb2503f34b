import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row of `health.policy_in_use`: the health policy account-health runs with. */
@Entity({ schema: 'health', name: 'policy_in_use' })
export class PolicyInUseEntity {
  /** Always true: the table holds one row. */
  @PrimaryColumn({ type: 'boolean' })
  singleton: boolean;

  @Column({ type: 'text' })
  version: string;

  /** The policy as account-health parsed it (every setting, defaults included). */
  @Column({ type: 'jsonb' })
  policy: unknown;

  /** The file it was read from, or "built-in defaults". */
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'timestamptz' })
  since: Date;
}
