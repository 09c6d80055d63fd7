/**
 * The publication pack (公开材料包) a unit posts on its website with its final accounts: one zip with
 * its 明细表 and every published form as PDF and Word, named 序号-项目名称, in the publication variant
 * (no 联系电话 and no phone numbers or e-mail addresses in the texts), plus manifest.json with each
 * file's sha256, the form's revision and when it was published.
 *
 * Only published revisions go in: a form under correction contributes its last published revision, a
 * form never published contributes nothing. Scores are computed from the published form itself.
 */
import { createHash } from 'node:crypto';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Decimal } from 'decimal.js';
import JSZip from 'jszip';
import { DataSource } from 'typeorm';
import type { EvaluationForm } from '#perf-eval/evaluation';
import { EvaluationError, ruleSetById, scoreEvaluation, selfScore, verifiedTotal } from '#perf-eval/evaluation';
import { Sql } from '#perf-eval/persistence';
import { publicationCopy } from './form-document.js';
import { PublishedDocuments, type PublishedRevision } from './published-documents.js';
import { summaryDocx, summaryPdf } from './summary-document.js';
import type { SummaryRow, SummaryTable } from './summary-table.js';
import { SUMMARY_SHEET_NAME } from './summary-workbook.js';

/** Published revisions whose files a pack reads at once. */
const DOCUMENTS_PER_READ = 100;

export class PublicationUnitRequiredError extends EvaluationError {
  readonly code = 'UNIT_REQUIRED';
  constructor(units: number) {
    super(`该年度有 ${units} 个单位的已公开自评表，请先选择单位（unitId）`);
  }
}

export class NothingPublishedError extends EvaluationError {
  readonly code = 'PUBLICATION_EMPTY';
  constructor(fiscalYear: number) {
    super(`${fiscalYear} 年度没有已公开的自评表`);
  }
}

export interface PublicationPack {
  fileName: string;
  zip: Buffer;
  manifest: PublicationManifest;
}

export interface PublicationManifest {
  unit: { id: string; name: string };
  fiscalYear: number;
  generatedAt: string;
  variant: 'publication';
  files: Array<{
    name: string;
    kind: 'summary' | 'form';
    format: 'pdf' | 'docx';
    bytes: number;
    sha256: string;
    evaluationId?: string;
    seq?: number;
    projectName?: string;
    revision?: number;
    publishedAt?: string;
  }>;
}

export class PublicationPackQuery extends Query<PublicationPack> {
  constructor(
    readonly fiscalYear: number,
    readonly unitId?: string,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

@QueryHandler(PublicationPackQuery)
export class PublicationPackHandler implements IQueryHandler<PublicationPackQuery, PublicationPack> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly documents: PublishedDocuments,
  ) {}

  async execute({ fiscalYear, unitId, now }: PublicationPackQuery): Promise<PublicationPack> {
    // The last published revision of every form of the year, in the 明细表's order.
    const rows = await Sql.of(this.dataSource).rows<PublishedRevision & { unit_id: string }>(
      `SELECT p.evaluation_id, e.unit_id, u.name AS unit_name, p.revision, p.state, p.published_at
       FROM evaluations e
       JOIN units u ON u.id = e.unit_id
       JOIN LATERAL (
         SELECT r.evaluation_id, r.revision, r.state, r.published_at FROM evaluation_revisions r
         WHERE r.evaluation_id = e.id ORDER BY r.revision DESC LIMIT 1
       ) p ON true
       WHERE e.fiscal_year = $1 AND ($2::uuid IS NULL OR e.unit_id = $2::uuid)
       ORDER BY e.summary_seq NULLS LAST, e.created_at, e.id`,
      [fiscalYear, unitId ?? null],
    );
    const units = new Map(rows.map((row) => [row.unit_id, row.unit_name]));
    if (units.size === 0) throw new NothingPublishedError(fiscalYear);
    if (units.size > 1) throw new PublicationUnitRequiredError(units.size);
    const [[id, name]] = [...units.entries()] as [[string, string]];

    const zip = new JSZip();
    const manifest: PublicationManifest = { unit: { id, name }, fiscalYear, generatedAt: now.toISOString(), variant: 'publication', files: [] };
    const add = (fileName: string, bytes: Buffer, entry: Omit<PublicationManifest['files'][number], 'name' | 'bytes' | 'sha256'>, date: Date) => {
      zip.file(fileName, bytes, { date });
      manifest.files.push({ name: fileName, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), ...entry });
    };

    const summaryRows: SummaryRow[] = [];
    const forms: Array<{ row: PublishedRevision; seq: number; form: EvaluationForm }> = [];
    rows.forEach((row, index) => {
      const form = publicationCopy(row.state.form);
      const { scores } = scoreEvaluation(row.state.form, ruleSetById(row.state.ruleSetId));
      const seq = index + 1;
      forms.push({ row, seq, form });
      const budget = form.funds?.total?.fullYearBudget ?? null;
      summaryRows.push({
        seq,
        evaluationId: row.evaluation_id,
        unitId: row.unit_id,
        unitName: row.unit_name,
        projectName: form.projectName,
        budget: budget === null ? null : new Decimal(budget).toFixed(2, Decimal.ROUND_HALF_UP),
        budgetExact: budget === null ? null : new Decimal(budget).toString(),
        evaluationMethod: form.evaluationMethod,
        selfScore: selfScore(form.declared, scores.total),
        verifiedScore: verifiedTotal(row.state.verification, scores.budgetScore),
        computedScore: scores.total,
        grade: scores.grade,
        status: 'Published',
        findings: { errors: 0, warnings: 0 },
        revision: row.revision,
        correcting: false,
        currentRevision: row.revision,
        currentStatus: 'Published',
      });
    });
    const total = summaryRows.reduce((sum, row) => (row.budget === null ? sum : sum.plus(row.budget)), new Decimal(0));
    const table: SummaryTable = { fiscalYear, unitName: name, rows: summaryRows, total: { budget: total.toFixed(2, Decimal.ROUND_HALF_UP) } };

    const summaryName = `0-${SUMMARY_SHEET_NAME}`;
    add(`${summaryName}.pdf`, await summaryPdf(table), { kind: 'summary', format: 'pdf' }, now);
    add(`${summaryName}.docx`, await summaryDocx(table), { kind: 'summary', format: 'docx' }, now);
    // Each form's files as rendered once for its published revision (PublishedDocuments), in slices.
    for (let start = 0; start < forms.length; start += DOCUMENTS_PER_READ) {
      const slice = forms.slice(start, start + DOCUMENTS_PER_READ);
      const files = await this.documents.filesOf(slice.map((f) => f.row));
      for (const { row, seq, form } of slice) {
        const { pdf, docx } = files.get(`${row.evaluation_id}:${row.revision}`)!;
        const base = `${seq}-${safeFileName(form.projectName || '自评表')}`;
        const entry = { kind: 'form' as const, evaluationId: row.evaluation_id, seq, projectName: form.projectName, revision: row.revision, publishedAt: new Date(row.published_at).toISOString() };
        add(`${base}.pdf`, pdf, { ...entry, format: 'pdf' }, new Date(row.published_at));
        add(`${base}.docx`, docx, { ...entry, format: 'docx' }, new Date(row.published_at));
      }
    }
    zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date: now });
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'UNIX' });
    return { fileName: `${name}${fiscalYear}年度绩效自评公开材料.zip`, zip: bytes, manifest };
  }
}

/** A project name as a file name on every system: no path or reserved characters, not too long. */
export function safeFileName(name: string): string {
  const cleaned = name
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  return [...(cleaned || '自评表')].slice(0, 80).join('');
}
