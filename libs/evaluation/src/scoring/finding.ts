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
