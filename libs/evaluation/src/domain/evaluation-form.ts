/**
 * The self-evaluation form (项目支出绩效自评表) as people fill it in.
 * Amounts are canonical decimal strings in 万元 (at most 6 decimals) so that nothing drifts;
 * weights and scores are numbers with at most 2 decimals and are only ever added through Decimal.
 */
export type Amount = string;

export const EVALUATION_METHODS = ['单位自评', '部门评价', '财政评价'] as const;
export type EvaluationMethod = (typeof EVALUATION_METHODS)[number];

export interface FundsRow {
  initialBudget: Amount | null; // 年初预算数
  fullYearBudget: Amount | null; // 全年预算数
  executed: Amount | null; // 全年执行数
}

export const FUNDS_ROWS = ['total', 'currentYear', 'carryOver', 'other'] as const;
export type FundsRowKey = (typeof FUNDS_ROWS)[number];
export type Funds = Record<FundsRowKey, FundsRow | null>;

export interface Goals {
  expected: string; // 预期目标
  actual: string; // 实际完成情况
}

export interface IndicatorRow {
  level1: string; // 一级指标: 产出指标 / 效益指标 / 满意度指标
  level2: string; // 二级指标
  name: string; // 三级指标
  target: string; // 年度指标值, as written
  actual: string; // 实际完成值, as written
  weight: number | null; // 分值
  score: number | null; // 得分 (self-score)
  deviation: string; // 偏差原因分析及改进措施
}

/** Figures an imported paper form declared; stored as written, never "fixed". */
export interface DeclaredFigures {
  budgetWeight?: number | null; // 分值 of the funds block
  executionRate?: string | null; // 执行率 as written, e.g. "100%"
  budgetScore?: number | null; // 得分 of the funds block
  total?: number | null; // 总分
  summarySeq?: number | null; // 序号 in the summary table
  summaryBudget?: Amount | null; // 项目预算 in the summary table
  summarySelfScore?: number | null; // 自评得分 in the summary table
}

export interface EvaluationForm {
  fiscalYear: number;
  unitId: string;
  projectName: string;
  competentDepartment: string;
  projectLead: string;
  contactPhone: string;
  evaluationMethod: EvaluationMethod;
  funds: Funds;
  goals: Goals;
  indicators: IndicatorRow[];
  declared?: DeclaredFigures | null;
  /**
   * The cycle (评价批次) that was open when the form was created: a record only. Which cycle covers a
   * form follows its fiscal year (libs/cycles year-cycles.ts), whenever the form or the cycle was created.
   */
  cycleId?: string | null;
}

/**
 * What the system sets on a form and a drafter never edits: its unit, the cycle that was open when it was drafted,
 * what an imported paper form declared. (The fiscal year is edited with the rest, and the aggregate refuses a
 * change of year with its own error.)
 */
export const SYSTEM_FIELDS = ['unitId', 'cycleId', 'declared'] as const;
export type SystemField = (typeof SYSTEM_FIELDS)[number];

/** The form as a drafter edits it: an edit that carries a system field, even one typed loosely, does not compile. */
export type EditableForm = Omit<EvaluationForm, SystemField> & { readonly [F in SystemField]?: never };
