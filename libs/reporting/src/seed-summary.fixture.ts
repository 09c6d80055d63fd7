import fs from 'node:fs';
import type { EvaluationStatus } from '#perf-eval/evaluation';
import { parseSelfEvaluationText, scoreEvaluation } from '#perf-eval/evaluation';
import type { SummaryTable } from './summary-table.js';

const SEED = fs.readFileSync(new URL('../../../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url), 'utf8');
const STATUSES: EvaluationStatus[] = ['Draft', 'Submitted', 'Reviewed', 'Published', 'Published', 'Reviewed', 'Draft'];

/** The seed's 项目绩效评价明细表 as the reporting query would give it. */
export function seedSummaryTable(): SummaryTable {
  const parsed = parseSelfEvaluationText(SEED);
  const summary = parsed.summary!;
  return {
    fiscalYear: 2021,
    unitName: summary.unitName,
    rows: summary.rows.map((row, index) => {
      const scoring = scoreEvaluation({ ...parsed.forms[index]!.form, unitId: 'unit-gwc' });
      return {
        seq: row.seq,
        evaluationId: `evaluation-${row.seq}`,
        unitId: 'unit-gwc',
        unitName: summary.unitName!,
        projectName: row.projectName,
        budget: Number(row.budget).toFixed(2),
        evaluationMethod: row.evaluationMethod,
        selfScore: row.selfScore,
        verifiedScore: null,
        computedScore: scoring.scores.total,
        grade: scoring.scores.grade,
        status: STATUSES[index]!,
        revision: 1,
        correcting: false,
        currentRevision: 1,
        currentStatus: STATUSES[index]!,
        findings: {
          errors: scoring.findings.filter((finding) => finding.severity === 'error').length,
          warnings: scoring.findings.filter((finding) => finding.severity === 'warning').length,
        },
      };
    }),
    total: { budget: summary.total! },
  };
}
