import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bytes of evidence files (佐证材料) when no object storage is configured (STORAGE_URL unset): one row per
 * distinct content, keyed by its SHA-256, so the same file attached twice is stored once. Which form holds which
 * file is in the forms' events and state (attachments' metadata), not here. Stored EXTERNAL: PDFs, images and
 * Office files are compressed already, so PostgreSQL does not try again.
 */
export class AttachmentBlobs1764892800000 implements MigrationInterface {
  name = 'AttachmentBlobs1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS attachment_blobs (
      sha256 char(64) PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint NOT NULL CHECK (size >= 0),
      content bytea NOT NULL,
      stored_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`ALTER TABLE attachment_blobs ALTER COLUMN content SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS attachment_blobs`);
  }
}
