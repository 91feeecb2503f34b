import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A person's chat channel (Slack or Teams incoming webhook), and what became of each chat post. */
export class ChatChannel1764400000000 implements MigrationInterface {
  name = 'ChatChannel1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier.preferences ADD COLUMN chat jsonb`);
    await q.query(`ALTER TABLE notifier.notifications ADD COLUMN chat_outcome text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notifier.notifications DROP COLUMN chat_outcome`);
    await q.query(`ALTER TABLE notifier.preferences DROP COLUMN chat`);
  }
}
