import type { EvaluationForm, IndicatorRow } from './evaluation-form.js';
import { INDICATOR_FIELD_LABELS, describeFormPath } from './form-path.js';

/**
 * What a drafter has not filled in yet that a submitted form must state: the results of the year. The scoring's
 * findings (the rules' contract, the same for imported paper forms) report what is wrong; a gap is what is still
 * empty — a form copied from last year (next-year-form.ts) with its budgets written and its results not yet breaks
 * no rule and scores 差, yet is not a self-evaluation. Gaps block a submission (SUBMISSION_BLOCKED,
 * `details.missing`), never an import or a save. Each indicator row states its own cells: only 一级/二级 may continue
 * the group above (merged cells); a paper form whose 三级指标 or 分值 spans rows is written one row per indicator.
 */
export interface SubmissionGap {
  /** Where to fill it in (form-path grammar): the first empty cell of a row. */
  path: string;
  message: string;
  /** The label of `path` ("绩效指标第 3 行·得分"). */
  place: string;
}

/** What the web app labels a gap (`GET /api/vocabulary` → `submissionGap`). */
export const SUBMISSION_GAP_LABEL = '待填写';

/** The cells of an indicator row a submitted form fills in (一级/二级 may continue the group above, as merged cells). */
const ROW_FIELDS = ['name', 'target', 'actual', 'weight', 'score'] as const satisfies ReadonlyArray<keyof IndicatorRow>;

export function submissionGaps(form: EvaluationForm): SubmissionGap[] {
  const gaps: { path: string; message: string }[] = [];
  if (blank(form.funds?.total?.executed)) gaps.push({ path: 'funds.total.executed', message: '未填写年度资金总额的全年执行数（当年没有支出的填 0）' });
  if (blank(form.goals?.actual)) gaps.push({ path: 'goals.actual', message: '未填写年度总体目标的实际完成情况' });
  for (const [index, row] of (form.indicators ?? []).entries()) {
    const empty = ROW_FIELDS.filter((field) => blank(row[field]));
    if (empty.length === 0) continue;
    const named = blank(row.name) ? '' : `“${String(row.name).trim()}”`;
    const message =
      Object.values(row).every(blank)
        ? `绩效指标第 ${index + 1} 行是空行：请填写或删除该行`
        : `绩效指标第 ${index + 1} 行${named}未填写${empty.map((field) => INDICATOR_FIELD_LABELS[field]).join('、')}`;
    gaps.push({ path: `indicators[${index}].${empty[0]}`, message });
  }
  return gaps.map((gap) => ({ ...gap, place: describeFormPath(gap.path) }));
}

function blank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}
