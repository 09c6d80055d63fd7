/** Findings are the contract between scoring, API, UI and exports: codes and severities never change meaning. */
export const FINDING_SEVERITIES = {
  REQUIRED_FIELD_MISSING: 'error',
  WEIGHT_TOTAL_NOT_100: 'error',
  SCORE_OUT_OF_RANGE: 'error',
  DEVIATION_ANALYSIS_MISSING: 'error',
  QUALITATIVE_SCORE_OUTSIDE_BAND: 'error',
  DECLARED_TOTAL_MISMATCH: 'warning',
  DECLARED_RATE_MISMATCH: 'warning',
  DECLARED_BUDGET_SCORE_MISMATCH: 'warning',
  FUNDING_SOURCES_MISMATCH: 'warning',
  OVER_EXECUTION: 'warning',
  OVER_ACHIEVEMENT: 'warning',
  SCORE_ABOVE_RULE: 'warning',
  VERIFIED_BELOW_SELF: 'warning',
  LEVEL1_WEIGHTS_NONSTANDARD: 'info',
} as const satisfies Record<string, FindingSeverity>;

export type FindingSeverity = 'error' | 'warning' | 'info';
export type FindingCode = keyof typeof FINDING_SEVERITIES;
export const FINDING_CODES = Object.keys(FINDING_SEVERITIES) as FindingCode[];

export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  /** Where in the form: `projectName`, `funds.total.fullYearBudget`, `indicators[3].deviation`, `declared.total`. */
  path: string;
  /** zh-CN, names the row and the figures. */
  message: string;
}

export function createFinding(code: FindingCode, path: string, message: string): Finding {
  return { code, severity: FINDING_SEVERITIES[code], path, message };
}

/** Errors block submission; warnings and info only inform the reviewer. */
export function hasBlockingFindings(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/** How people call the severities (zh-CN). */
export const FINDING_SEVERITY_LABELS: Readonly<Record<FindingSeverity, string>> = {
  error: '错误',
  warning: '警告',
  info: '提示',
};

/** A short zh-CN name of each finding code (the message of a finding says the details). */
export const FINDING_CODE_LABELS: Readonly<Record<FindingCode, string>> = {
  REQUIRED_FIELD_MISSING: '必填项未填写',
  WEIGHT_TOTAL_NOT_100: '分值合计不等于 100',
  SCORE_OUT_OF_RANGE: '得分超出范围',
  DEVIATION_ANALYSIS_MISSING: '未填写偏差原因分析',
  QUALITATIVE_SCORE_OUTSIDE_BAND: '定性指标得分不在档次范围内',
  DECLARED_TOTAL_MISMATCH: '申报总分与计算不一致',
  DECLARED_RATE_MISMATCH: '申报执行率与计算不一致',
  DECLARED_BUDGET_SCORE_MISMATCH: '申报预算执行得分与计算不一致',
  FUNDING_SOURCES_MISMATCH: '资金来源之和与总额不一致',
  OVER_EXECUTION: '执行数超过预算数',
  OVER_ACHIEVEMENT: '超额完成未说明原因',
  SCORE_ABOVE_RULE: '自评得分高于规则得分',
  VERIFIED_BELOW_SELF: '核查分低于自评得分',
  LEVEL1_WEIGHTS_NONSTANDARD: '一级指标分值非标准分配',
};
