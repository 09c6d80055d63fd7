/**
 * The PDF and Word files of a published revision (publication variant: no 联系电话, contacts masked), rendered
 * once and stored in `published_documents`: the worker renders them when a form is published, a 公开材料包
 * renders what is missing (a form imported as published, a renamed unit) and stores it. So a published
 * revision is the same bytes and the same sha256 at every download, and a pack reads its files instead of
 * spending ~170 ms of CPU per form (rendering stamps the time into both formats and blocks the event loop
 * while it runs).
 */
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ruleSetById, ruleSetVersion, scoreEvaluation, type EvaluationForm, type Verification } from '#perf-eval/evaluation';
import { Sql } from '#perf-eval/persistence';
import { formDocx, formPdf, publicationCopy } from './form-document.js';

/** A published revision as evaluation_revisions keeps it, with the name of its unit now. */
export interface PublishedRevision {
  evaluation_id: string;
  revision: number;
  unit_name: string;
  state: { form: EvaluationForm; ruleSetId: string; verification?: Verification | null };
  published_at: Date;
}

export interface PublishedFiles {
  pdf: Buffer;
  docx: Buffer;
}

const key = (evaluationId: string, revision: number) => `${evaluationId}:${revision}`;

/**
 * The renderer's version: raise it when the paper's layout or the publication variant (the masking of contact
 * data) changes, and every stored file is rendered again when next needed.
 */
export const PUBLISHED_RENDER_VERSION = 1;

/** The rule data a revision is scored under now (its 得分 and 等级 in the files). */
const ruleVersionOf = (revision: PublishedRevision) => ruleSetVersion(ruleSetById(revision.state.ruleSetId));

@Injectable()
export class PublishedDocuments {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The files of each revision, by `evaluationId:revision`: those stored for the unit's name as it is now,
   * the others rendered, stored and read back (so that two renderings racing store and answer one of them).
   */
  async filesOf(revisions: readonly PublishedRevision[]): Promise<Map<string, PublishedFiles>> {
    const files = await this.stored(revisions);
    const missing = revisions.filter((r) => !files.has(key(r.evaluation_id, r.revision)));
    if (missing.length === 0) return files;
    const rendered = new Map<string, PublishedFiles>();
    for (const revision of missing) {
      const made = await renderPublished(revision);
      rendered.set(key(revision.evaluation_id, revision.revision), made);
      await this.store(revision, made);
    }
    const stored = await this.stored(missing);
    // What is stored now (another rendering may have won); what a unit's rename raced away, as rendered here.
    for (const [k, made] of rendered) files.set(k, stored.get(k) ?? made);
    return files;
  }

  /** Renders and stores the files of one published revision unless they are stored (the worker, on publication). */
  async ensure(evaluationId: string, revision: number): Promise<boolean> {
    const [row] = await Sql.of(this.dataSource).rows<PublishedRevision>(
      `SELECT r.evaluation_id, r.revision, u.name AS unit_name, r.state, r.published_at
       FROM evaluation_revisions r JOIN evaluations e ON e.id = r.evaluation_id JOIN units u ON u.id = e.unit_id
       WHERE r.evaluation_id = $1 AND r.revision = $2`,
      [evaluationId, revision],
    );
    if (!row) return false;
    if ((await this.stored([row])).size > 0) return false;
    await this.store(row, await renderPublished(row));
    return true;
  }

  /**
   * Renders and stores the files of up to `limit` forms' last published revisions that have none for their unit's
   * name and this renderer (published before the files were stored, or imported as published), skipping `skip`
   * (`evaluationId:revision` that failed). Answers the revisions it tried, rendered or failed.
   */
  async renderMissing(limit: number, skip: ReadonlySet<string> = new Set()): Promise<{ rendered: string[]; failed: string[] }> {
    const rows = await Sql.of(this.dataSource).rows<PublishedRevision>(
      `SELECT r.evaluation_id, r.revision, u.name AS unit_name, r.state, r.published_at
       FROM evaluation_revisions r
       JOIN evaluations e ON e.id = r.evaluation_id
       JOIN units u ON u.id = e.unit_id
       WHERE r.revision = (SELECT max(x.revision) FROM evaluation_revisions x WHERE x.evaluation_id = r.evaluation_id)
         AND NOT EXISTS (SELECT 1 FROM published_documents d
                         WHERE d.evaluation_id = r.evaluation_id AND d.revision = r.revision AND d.format = 'pdf'
                           AND d.unit_name = u.name AND d.render_version = $2)
         AND NOT ((r.evaluation_id::text || ':' || r.revision) = ANY($3::text[]))
       ORDER BY r.published_at DESC
       LIMIT $1`,
      [limit, PUBLISHED_RENDER_VERSION, [...skip]],
    );
    const rendered: string[] = [];
    const failed: string[] = [];
    for (const row of rows) {
      const k = key(row.evaluation_id, row.revision);
      try {
        await this.store(row, await renderPublished(row));
        rendered.push(k);
      } catch {
        failed.push(k);
      }
    }
    return { rendered, failed };
  }

  private async stored(revisions: readonly PublishedRevision[]): Promise<Map<string, PublishedFiles>> {
    const rows = await Sql.of(this.dataSource).rows<{ evaluation_id: string; revision: number; format: 'pdf' | 'docx'; bytes: Buffer }>(
      `SELECT d.evaluation_id, d.revision, d.format, d.bytes
       FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS w(evaluation_id, revision, unit_name, rule_version)
       JOIN published_documents d USING (evaluation_id, revision, unit_name, rule_version)
       WHERE d.render_version = $5`,
      [revisions.map((r) => r.evaluation_id), revisions.map((r) => r.revision), revisions.map((r) => r.unit_name), revisions.map(ruleVersionOf), PUBLISHED_RENDER_VERSION],
    );
    const parts = new Map<string, Partial<PublishedFiles>>();
    for (const row of rows) {
      const k = key(row.evaluation_id, row.revision);
      parts.set(k, { ...parts.get(k), [row.format]: row.bytes });
    }
    const files = new Map<string, PublishedFiles>();
    for (const [k, p] of parts) if (p.pdf && p.docx) files.set(k, { pdf: p.pdf, docx: p.docx });
    return files;
  }

  /**
   * Both files in one statement. Files rendered from the same unit name, rule data and renderer stay (the first
   * rendering wins); files rendered from anything else are replaced.
   */
  private async store(revision: PublishedRevision, files: PublishedFiles): Promise<void> {
    const formats = ['pdf', 'docx'] as const;
    await Sql.of(this.dataSource).execute(
      `INSERT INTO published_documents (evaluation_id, revision, format, unit_name, rule_version, render_version, sha256, bytes)
       SELECT $1, $2, f.format, $3, $4, $5, f.sha256, f.bytes FROM unnest($6::text[], $7::text[], $8::bytea[]) AS f(format, sha256, bytes)
       ON CONFLICT (evaluation_id, revision, format) DO UPDATE
         SET unit_name = excluded.unit_name, rule_version = excluded.rule_version, render_version = excluded.render_version,
             sha256 = excluded.sha256, bytes = excluded.bytes, rendered_at = now()
         WHERE (published_documents.unit_name, published_documents.rule_version, published_documents.render_version)
               IS DISTINCT FROM (excluded.unit_name, excluded.rule_version, excluded.render_version)`,
      [
        revision.evaluation_id,
        revision.revision,
        revision.unit_name,
        ruleVersionOf(revision),
        PUBLISHED_RENDER_VERSION,
        [...formats],
        formats.map((f) => sha256(files[f])),
        formats.map((f) => files[f]),
      ],
    );
  }
}

/** The publication variant of a published revision, as PDF and Word, scored from the published form itself. */
export async function renderPublished(revision: PublishedRevision): Promise<PublishedFiles> {
  const ruleSet = ruleSetById(revision.state.ruleSetId);
  const { scores } = scoreEvaluation(revision.state.form, ruleSet);
  const input = { form: publicationCopy(revision.state.form), scores, unitName: revision.unit_name, filledAt: revision.published_at, publication: true, ruleSet };
  return { pdf: await formPdf(input), docx: await formDocx(input) };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
