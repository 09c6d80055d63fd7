import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tokens outlive nothing they stand for: every access token carries the user's token generation (`gen`), and
 * the API accepts it only while the user's row still has that generation. Changing the password or disabling
 * the account moves it on, which revokes every token issued before, in every API process.
 */
export class TokenGeneration1764806400000 implements MigrationInterface {
  name = 'TokenGeneration1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN IF NOT EXISTS token_generation integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS token_generation`);
  }
}
