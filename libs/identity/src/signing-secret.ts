import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Sql } from '#perf-eval/persistence';

/**
 * The token signing secret: JWT_SECRET when set (`configured`); otherwise one generated on first start and kept
 * in the database, so that a zero-configuration install is not signed with a secret everyone knows.
 */
export async function signingSecret(dataSource: DataSource, configured: string | null): Promise<string> {
  if (configured) return configured;
  const sql = Sql.of(dataSource);
  await sql.affected(
    `INSERT INTO system_settings (key, value) VALUES ('jwt_secret', $1) ON CONFLICT (key) DO NOTHING`,
    [randomBytes(48).toString('base64url')],
  );
  const row = await sql.first<{ value: string }>(`SELECT value FROM system_settings WHERE key = 'jwt_secret'`);
  return row!.value;
}
