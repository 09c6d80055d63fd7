import { createHash, randomUUID } from 'node:crypto';
import { Optional } from '@nestjs/common';
import { CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { DataSource, type EntityManager } from 'typeorm';
import { Directory, UnknownUnitError, type AuthenticatedUser } from '#perf-eval/identity';
import { Sql } from '#perf-eval/persistence';
import { Evaluation } from '../domain/evaluation.js';
import { EvaluationError } from '../domain/evaluation.errors.js';
import { parseSelfEvaluationText, type ParsedSelfEvaluationFile } from '../import/self-evaluation-text.parser.js';
import { parseSelfEvaluationTables } from '../import/self-evaluation-tables.parser.js';
import type { DocumentBlock } from '../import/document-tables.js';
import { NATIONAL_2020 } from '../scoring/rule-set.js';
import type { EvaluationScores } from '../scoring/score-evaluation.js';
import type { Finding } from '../scoring/finding.js';
import { placeFindings, type PlacedFinding } from '../scoring/finding-place.js';
import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';
import { Clock } from './clock.js';
import { CyclesStore } from '#perf-eval/cycles';
import { ActionForbiddenError, assertMay, may, rolesEverywhere, unitsWhere } from './evaluation-access.js';
import { LivePublisher } from '#perf-eval/live';
import type { LiveEvaluationChange } from '#perf-eval/live';
import { evaluationChange } from './evaluation-change.js';

export interface ImportedEvaluation {
  id: string;
  projectName: string;
  unitName: string;
  status: string;
  scores: EvaluationScores;
  findings: PlacedFinding[];
}

export interface ImportResult {
  batchId: string;
  duplicate: boolean;
  fiscalYear: number;
  evaluations: ImportedEvaluation[];
}

export class FiscalYearMismatchError extends EvaluationError {
  readonly code = 'IMPORT_FISCAL_YEAR_MISMATCH';
  constructor(expected: number, found: number, projectName: string) {
    super(`导入年度为 ${expected}，但自评表“${projectName}”为 ${found} 年度`);
  }
}

export class EmptyImportError extends EvaluationError {
  readonly code = 'IMPORT_EMPTY';
  constructor() {
    super('文件中没有找到“项目支出绩效自评表”');
  }
}

/**
 * What was uploaded: the text dump of the Word tables, or the tables of a Word file or an Excel
 * workbook (opened by libs/evaluation/src/infrastructure/document-files.ts).
 */
export type ImportSource = { format: 'text'; text: string } | { format: 'docx' | 'xlsx'; blocks: DocumentBlock[] };

export class ImportSelfEvaluationsCommand extends Command<ImportResult> {
  readonly source: ImportSource;

  constructor(
    readonly user: AuthenticatedUser,
    source: string | ImportSource,
    readonly fileName: string,
    readonly options: { fiscalYear?: number; unitId?: string; asPublished: boolean },
  ) {
    super();
    this.source = typeof source === 'string' ? { format: 'text', text: source } : source;
  }
}

/**
 * Imports a unit's existing forms (the text dump of its Word tables) all-or-nothing: every form is parsed
 * before anything is written, and the whole file is written in one transaction. The same file twice
 * answers with the evaluations of the first import.
 */
@CommandHandler(ImportSelfEvaluationsCommand)
export class ImportSelfEvaluationsHandler implements ICommandHandler<ImportSelfEvaluationsCommand, ImportResult> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: EvaluationRepository,
    private readonly directory: Directory,
    private readonly clock: Clock,
    private readonly cycles: CyclesStore,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  async execute({ user, source, fileName, options }: ImportSelfEvaluationsCommand): Promise<ImportResult> {
    assertMay(user, 'import');
    // Historical forms arrive read-only: only who may publish may import them as published.
    if (options.asPublished) assertMay(user, 'publish');
    const sha256 = fingerprint(source);
    const earlier = await this.earlierImport(sha256);
    if (earlier) return this.visible(user, earlier);

    const parsed: ParsedSelfEvaluationFile =
      source.format === 'text' ? parseSelfEvaluationText(source.text, { fileName }) : parseSelfEvaluationTables(source.blocks, { fileName });
    if (parsed.forms.length === 0) throw new EmptyImportError();
    const fiscalYear = options.fiscalYear ?? parsed.forms[0].fiscalYear;
    for (const { fiscalYear: year, form } of parsed.forms) {
      if (year !== fiscalYear) throw new FiscalYearMismatchError(fiscalYear, year, form.projectName);
    }
    if (options.unitId) assertMay(user, 'import', { unitId: options.unitId });

    // Historical (published) forms belong to no running cycle; drafts join the open cycle of their year.
    const cycleId = options.asPublished ? null : await this.cycles.cycleFor(fiscalYear);
    const batchId = randomUUID();
    const ctx = { actor: { userId: user.id }, at: this.clock.now() };
    const changes: LiveEvaluationChange[] = [];
    const joinedDepartments: (string | null)[] = [];
    try {
      const evaluations = await this.dataSource.transaction(async (manager) => {
        changes.length = 0;
        joinedDepartments.length = 0;
        const written: ImportedEvaluation[] = [];
        for (const [position, { implementingUnit, form }] of parsed.forms.entries()) {
          const unit = await this.unitFor(manager, user, options.unitId, implementingUnit, form.competentDepartment);
          if (unit.created) joinedDepartments.push(unit.departmentId ?? null);
          const evaluation = Evaluation.imported(
            randomUUID(),
            { ...form, fiscalYear, unitId: unit.id, cycleId },
            NATIONAL_2020.id,
            { fileName, sha256, position },
            options.asPublished,
            ctx,
          );
          // Scored in this transaction, with its event: the imported forms show their findings at once.
          const { scores, findings } = await this.repository.saveWithin(manager, evaluation);
          const change = evaluationChange(evaluation.state, evaluation.uncommittedEvents);
          if (change) changes.push(change);
          written.push({ id: evaluation.state.id, projectName: form.projectName, unitName: unit.name, status: evaluation.state.status, scores: scores!, findings: placeFindings(findings!) });
        }
        await Sql.of(manager).affected(
          `INSERT INTO import_batches (id, sha256, file_name, fiscal_year, imported_by, evaluation_ids) VALUES ($1, $2, $3, $4, $5, $6)`,
          [batchId, sha256, fileName, fiscalYear, user.id, written.map((w) => w.id)],
        );
        return written;
      });
      // A unit made by this import joined its department: that department's reviewers see it from now on.
      await this.directory.announceReviewersOf(joinedDepartments);
      this.live?.evaluationsChanged(changes);
      return { batchId, duplicate: false, fiscalYear, evaluations };
    } catch (error) {
      // The same file imported twice at once: the second transaction loses on the unique sha256.
      if ((error as { code?: string }).code === '23505') {
        const winner = await this.earlierImport(sha256);
        if (winner) return this.visible(user, winner);
      }
      throw error;
    }
  }

  private async unitFor(
    manager: EntityManager,
    user: AuthenticatedUser,
    unitId: string | undefined,
    name: string,
    competentDepartment: string,
  ): Promise<{ id: string; name: string; created?: boolean; departmentId?: string | null }> {
    if (unitId) {
      const unit = await Sql.of(manager).first<{ id: string; name: string }>('SELECT id, name FROM units WHERE id = $1', [unitId]);
      if (!unit) throw new UnknownUnitError([unitId]);
      return unit;
    }
    if (unitsWhere(user, 'import') !== 'all') {
      const unit = await Sql.of(manager).first<{ id: string; name: string }>('SELECT id, name FROM units WHERE name = $1 AND id = ANY($2::uuid[])', [
        name.trim(),
        user.unitIds,
      ]);
      if (!unit) throw new ActionForbiddenError('import', rolesEverywhere('import'));
      return unit;
    }
    return this.directory.unitNamed(name, competentDepartment, manager);
  }

  /**
 * The same content already imported into a unit this user cannot see: refused with 403 naming no form (a file is
 * imported once, system-wide, by its sha256; per-unit duplicates would need the key to include the unit).
 */
  private async visible(user: AuthenticatedUser, result: ImportResult): Promise<ImportResult> {
    const rows = await Sql.of(this.dataSource).rows<{ unit_id: string }>('SELECT unit_id FROM evaluations WHERE id = ANY($1::uuid[])', [
      result.evaluations.map((e) => e.id),
    ]);
    if (!rows.every((r) => may(user, 'read', { unitId: r.unit_id }))) throw new ActionForbiddenError('import', rolesEverywhere('import'));
    return result;
  }

  private async earlierImport(sha256: string): Promise<ImportResult | null> {
    const sql = Sql.of(this.dataSource);
    const batches = await sql.rows<{ id: string; fiscal_year: number; evaluation_ids: string[] }>(
      'SELECT id, fiscal_year, evaluation_ids FROM import_batches WHERE sha256 = $1',
      [sha256],
    );
    if (!batches[0]) return null;
    const rows = await sql.rows<{ id: string; project_name: string; unit_name: string; status: string; scores: EvaluationScores; findings: Finding[] | null }>(
      `SELECT e.id, e.project_name, u.name AS unit_name, e.status, e.scores, e.findings
       FROM unnest($1::uuid[]) WITH ORDINALITY AS b(id, n) JOIN evaluations e ON e.id = b.id JOIN units u ON u.id = e.unit_id
       ORDER BY b.n`,
      [batches[0].evaluation_ids],
    );
    return {
      batchId: batches[0].id,
      duplicate: true,
      fiscalYear: batches[0].fiscal_year,
      evaluations: rows.map((r) => ({ id: r.id, projectName: r.project_name, unitName: r.unit_name, status: r.status, scores: r.scores, findings: placeFindings(r.findings ?? []) })),
    };
  }
}

/**
 * Idempotent by content: the same text saved by another editor (BOM, CRLF, trailing blank lines) is
 * still the same file; a Word or Excel file counts by what its tables and paragraphs hold, so saving
 * it again (new zip timestamps, styles, revision ids) does not make it a new import.
 */
function fingerprint(source: ImportSource): string {
  if (source.format === 'text') {
    const normalized = source.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\s+$/, '');
    return createHash('sha256').update(normalized).digest('hex');
  }
  return createHash('sha256').update(`${source.format}\n${JSON.stringify(source.blocks)}`).digest('hex');
}
