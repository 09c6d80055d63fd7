import type { DeclaredFigures } from '../domain/evaluation-form.js';

/**
 * The declared figures that stand for the 自评得分, first one present wins: the summary table's
 * figure (明细表自评得分), else the form's own 总分. The SQL that reads them out of a stored form
 * (`declaredSelfScoreSql` in infrastructure/scoring.projection.ts) is built from this list.
 */
export const DECLARED_SELF_SCORE_FIELDS = ['summarySelfScore', 'total'] as const satisfies readonly (keyof DeclaredFigures)[];

/** What the unit declared as its 自评得分 (an imported paper form), or null when it declared nothing. */
export function declaredSelfScore(declared: DeclaredFigures | null | undefined): number | null {
  for (const field of DECLARED_SELF_SCORE_FIELDS) {
    const value = declared?.[field];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/**
 * 自评得分, as the summary table (明细表), the read model's `self_score` column and the publication pack
 * show it: the figure the unit declared, else the computed total.
 */
export function selfScore(declared: DeclaredFigures | null | undefined, computedTotal: number | null): number | null {
  return declaredSelfScore(declared) ?? computedTotal;
}
