import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The characters JavaScript's `String.prototype.trim` removes, as a PostgreSQL bracket expression. */
const JS_WHITESPACE = '[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

/** `blank` of submission-gaps.ts over a jsonb value: absent, null, or a string of whitespace only (0 is filled in). */
function blankSql(value: string): string {
  return `(${value} IS NULL OR jsonb_typeof(${value}) = 'null' OR (jsonb_typeof(${value}) = 'string' AND (${value} #>> '{}') ~ '^${JS_WHITESPACE}*$'))`;
}

/**
 * How many gaps `submissionGaps` (libs/evaluation/src/domain/submission-gaps.ts) finds in a stored form (jsonb):
 * an empty 全年执行数, an empty 实际完成情况, and each indicator row with an empty 三级指标, 年度指标值, 实际完成值,
 * 分值 or 得分. Only this migration's back-fill uses it (commands write the count from the TypeScript);
 * test/list-counts.integration-spec.ts keeps the two equal.
 */
export function missingCountSql(form: string): string {
  const row = (field: string) => blankSql(`r->'${field}'`);
  return `(${blankSql(`${form}->'funds'->'total'->'executed'`)}::int + ${blankSql(`${form}->'goals'->'actual'`)}::int
    + (SELECT count(*)::int FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${form}->'indicators') = 'array' THEN ${form}->'indicators' ELSE '[]'::jsonb END) r
       WHERE ${['name', 'target', 'actual', 'weight', 'score'].map(row).join(' OR ')}))`;
}

/**
 * `missing_count`: how much a Draft still needs before it can be submitted (the view's `missing`), so that the lists
 * can show which drafts are incomplete without reading their forms; 0 for every other status. Commands write it with
 * the row; existing Drafts are counted here once.
 */
export class MissingCount1765324800000 implements MigrationInterface {
  name = 'MissingCount1765324800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE evaluations ADD COLUMN missing_count integer NOT NULL DEFAULT 0');
    await q.query(`UPDATE evaluations SET missing_count = ${missingCountSql(`state->'form'`)} WHERE status = 'Draft'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE evaluations DROP COLUMN missing_count');
  }
}
