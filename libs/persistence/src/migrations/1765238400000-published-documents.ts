import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PDF and Word files of each published revision in its publication variant, rendered once (by the worker
 * when the form is published, or by the first 公开材料包 that needs them) and kept: a published revision is the
 * same bytes, and the same sha256 in the pack's manifest, at every download (rendering stamps the time into
 * both formats), and a pack of a unit's forms costs no rendering (~170 ms of CPU per form on the API).
 * What the files were rendered from besides the revision — the unit's name, the rule data they were scored
 * under (`rule_version`), the renderer's version (`render_version`: raised when the paper's layout or the
 * masking of contact data changes) — is kept with them; when any differs, the files are rendered again.
 */
export class PublishedDocuments1765238400000 implements MigrationInterface {
  name = 'PublishedDocuments1765238400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE published_documents (
      evaluation_id uuid NOT NULL,
      revision integer NOT NULL,
      format text NOT NULL CHECK (format IN ('pdf', 'docx')),
      unit_name text NOT NULL,
      rule_version text NOT NULL,
      render_version integer NOT NULL,
      sha256 text NOT NULL,
      bytes bytea NOT NULL,
      rendered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (evaluation_id, revision, format)
    )`);
    // Already compressed (PDF streams, a .docx is a zip): stored as they are.
    await q.query(`ALTER TABLE published_documents ALTER COLUMN bytes SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE published_documents');
  }
}
