import { FUNDS_ROWS, type EvaluationForm, type FundsRowKey } from './evaluation-form.js';

/**
 * Paths into the self-evaluation form and their Chinese labels — the one place that knows them.
 * The grammar (used by reviewer comment targets and by scoring findings):
 *   "projectName"                     a header field
 *   "funds" | "funds.total" | "funds.total.executed"
 *   "goals" | "goals.actual"
 *   "indicators" | "indicators[3]" | "indicators[3].deviation"   (index 0-based, shown 1-based)
 *   "declared.total"                  a figure the imported paper declared
 */

export const HEADER_FIELD_LABELS = {
  fiscalYear: '年度',
  projectName: '项目名称',
  competentDepartment: '主管部门',
  unitId: '实施单位',
  projectLead: '项目负责人',
  contactPhone: '联系电话',
  evaluationMethod: '评价方式',
} as const;
export type HeaderField = keyof typeof HEADER_FIELD_LABELS;

export const SECTION_LABELS = {
  funds: '项目资金',
  goals: '年度总体目标',
  indicators: '绩效指标',
  declared: '申报数',
} as const;

export const FUNDS_ROW_LABELS: Readonly<Record<FundsRowKey, string>> = {
  total: '年度资金总额',
  currentYear: '当年财政拨款',
  carryOver: '上年结转资金',
  other: '其他资金',
};

export const FUNDS_COLUMN_LABELS = {
  initialBudget: '年初预算数',
  fullYearBudget: '全年预算数',
  executed: '全年执行数',
} as const;
export type FundsColumn = keyof typeof FUNDS_COLUMN_LABELS;

export const GOAL_LABELS = {
  expected: '预期目标',
  actual: '实际完成情况',
} as const;
export type GoalField = keyof typeof GOAL_LABELS;

/** In the column order of the paper form's indicator table. */
export const INDICATOR_FIELD_LABELS = {
  level1: '一级指标',
  level2: '二级指标',
  name: '三级指标',
  target: '年度指标值',
  actual: '实际完成值',
  weight: '分值',
  score: '得分',
  deviation: '偏差原因分析及改进措施',
} as const;
export type IndicatorField = keyof typeof INDICATOR_FIELD_LABELS;

export const DECLARED_LABELS = {
  budgetWeight: '预算执行分值',
  executionRate: '执行率',
  budgetScore: '预算执行得分',
  total: '总分',
  summarySeq: '明细表序号',
  summaryBudget: '明细表项目预算',
  summarySelfScore: '明细表自评得分',
} as const;
export type DeclaredField = keyof typeof DECLARED_LABELS;

export type FormPath =
  | { kind: 'header'; field: HeaderField }
  | { kind: 'funds'; row: null; column: null }
  | { kind: 'funds'; row: FundsRowKey; column: FundsColumn | null }
  | { kind: 'goals'; field: GoalField | null }
  | { kind: 'indicators'; index: null; field: null }
  | { kind: 'indicators'; index: number; field: IndicatorField | null }
  | { kind: 'declared'; field: DeclaredField };

function isKey<T extends object>(table: T, key: string | undefined): key is Extract<keyof T, string> {
  return key !== undefined && Object.hasOwn(table, key);
}

const FUNDS = /^funds(?:\.(\w+)(?:\.(\w+))?)?$/;
const GOALS = /^goals(?:\.(\w+))?$/;
const INDICATORS = /^indicators(?:\[(\d+)\](?:\.(\w+))?)?$/;
const DECLARED = /^declared\.(\w+)$/;

/** The structure of a form path, or null when the path names nothing in the form. Surrounding blanks are ignored. */
export function parseFormPath(path: string): FormPath | null {
  const p = path.trim();
  if (isKey(HEADER_FIELD_LABELS, p)) return { kind: 'header', field: p };

  const funds = FUNDS.exec(p);
  if (funds) {
    const [, row, column] = funds;
    if (row === undefined) return { kind: 'funds', row: null, column: null };
    if (!(FUNDS_ROWS as readonly string[]).includes(row)) return null;
    if (column === undefined) return { kind: 'funds', row: row as FundsRowKey, column: null };
    return isKey(FUNDS_COLUMN_LABELS, column) ? { kind: 'funds', row: row as FundsRowKey, column } : null;
  }

  const goals = GOALS.exec(p);
  if (goals) {
    const [, field] = goals;
    if (field === undefined) return { kind: 'goals', field: null };
    return isKey(GOAL_LABELS, field) ? { kind: 'goals', field } : null;
  }

  const indicators = INDICATORS.exec(p);
  if (indicators) {
    const [, digits, field] = indicators;
    if (digits === undefined) return { kind: 'indicators', index: null, field: null };
    const index = Number(digits);
    if (!Number.isSafeInteger(index)) return null;
    if (field === undefined) return { kind: 'indicators', index, field: null };
    return isKey(INDICATOR_FIELD_LABELS, field) ? { kind: 'indicators', index, field } : null;
  }

  const declared = DECLARED.exec(p);
  if (declared && isKey(DECLARED_LABELS, declared[1])) return { kind: 'declared', field: declared[1] };
  return null;
}

/**
 * A form path in words: null or blank → 总体意见; "projectName" → 项目名称;
 * "funds.total.executed" → 项目资金·年度资金总额·全年执行数; "goals.actual" → 年度总体目标·实际完成情况;
 * "indicators[2]" → 绩效指标第 3 行; "indicators[2].score" → 绩效指标第 3 行·得分; "declared.total" → 申报数·总分.
 * A path that names nothing in the form is shown as written.
 */
export function describeFormPath(path: string | null): string {
  if (path === null || path.trim() === '') return '总体意见';
  const parsed = parseFormPath(path);
  if (parsed === null) return path.trim();
  switch (parsed.kind) {
    case 'header':
      return HEADER_FIELD_LABELS[parsed.field];
    case 'funds':
      if (parsed.row === null) return SECTION_LABELS.funds;
      return [SECTION_LABELS.funds, FUNDS_ROW_LABELS[parsed.row], ...(parsed.column ? [FUNDS_COLUMN_LABELS[parsed.column]] : [])].join('·');
    case 'goals':
      return parsed.field === null ? SECTION_LABELS.goals : `${SECTION_LABELS.goals}·${GOAL_LABELS[parsed.field]}`;
    case 'indicators': {
      if (parsed.index === null) return SECTION_LABELS.indicators;
      const row = `${SECTION_LABELS.indicators}第 ${parsed.index + 1} 行`;
      return parsed.field === null ? row : `${row}·${INDICATOR_FIELD_LABELS[parsed.field]}`;
    }
    case 'declared':
      return `${SECTION_LABELS.declared}·${DECLARED_LABELS[parsed.field]}`;
    default: {
      const never: never = parsed;
      throw new Error(`Unknown form path: ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A reviewer's comment may aim at one field, block or indicator row of the form it reviews — anything
 * parseFormPath knows except the declared figures (they are not filled in) and the unit (not the
 * drafter's to change); an indicator row must exist in this form. The target must be written exactly (no blanks).
 */
export function isCommentTarget(form: EvaluationForm, target: string): boolean {
  if (target !== target.trim()) return false;
  const path = parseFormPath(target);
  if (path === null) return false;
  switch (path.kind) {
    case 'header':
      return path.field !== 'unitId';
    case 'funds':
    case 'goals':
      return true;
    case 'indicators':
      return path.index === null || path.index < form.indicators.length;
    case 'declared':
      return false;
    default: {
      const never: never = path;
      throw new Error(`Unknown form path: ${JSON.stringify(never)}`);
    }
  }
}
