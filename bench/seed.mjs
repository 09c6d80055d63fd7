// Large read data sets for `npm run bench`, written with SQL (generate_series) rather than through HTTP.
// Each seeded form is a copy of a real draft's row (state, scores, findings) with its own id, unit,
// status and figures, and its EvaluationDrafted event, so that the read model matches its history.

/** `count` units named 压测单位 001…; answers their ids in name order. */
export async function seedUnits(db, count) {
  await db.query(
    `INSERT INTO units (id, name, competent_department)
     SELECT gen_random_uuid(), '压测单位 ' || lpad(n::text, 3, '0'), '压测主管部门' FROM generate_series(1, $1) n
     ON CONFLICT (name) DO NOTHING`,
    [count],
  );
  return (await db.query(`SELECT id FROM units WHERE name LIKE '压测单位 %' ORDER BY name LIMIT $1`, [count])).rows.map((r) => r.id);
}

/** One drafter per unit (for the reminder scenario): each unit's drafts get one reminder each. */
export async function seedDrafters(db, unitIds) {
  await db.query(
    `INSERT INTO users (id, username, password_hash, display_name, roles, unit_ids)
     SELECT gen_random_uuid(), 'bench-drafter-' || n, '!', '压测填报人' || n, '{drafter}', ARRAY[u]
     FROM unnest($1::uuid[]) WITH ORDINALITY AS t(u, n) ON CONFLICT (username) DO NOTHING`,
    [unitIds],
  );
}

/**
 * Forms numbered `from` … `from + count - 1` of `fiscalYear`, spread over `unitIds` (n mod units).
 * `mix` 'realistic': 40 % Draft (1 in 7 returned), 25 % Submitted, 15 % Reviewed, 20 % Published,
 * 1 in 10 with errors; 'drafts': all Draft.
 */
export async function seedForms(db, { templateId, fiscalYear, from, count, unitIds, mix = 'realistic' }) {
  // The same seed also runs against the schema before issue 9 (to measure "before"), which lacks the column.
  const [{ exists }] = (await db.query(`SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'evaluations' AND column_name = 'last_edited_by') AS exists`)).rows;
  const status =
    mix === 'drafts'
      ? `'Draft'`
      : `CASE WHEN n % 20 < 8 THEN 'Draft' WHEN n % 20 < 13 THEN 'Submitted' WHEN n % 20 < 16 THEN 'Reviewed' ELSE 'Published' END`;
  const t0 = performance.now();
  await db.query(
    `WITH g AS (
       SELECT n, gen_random_uuid() AS id, ${status} AS status, ($4::uuid[])[1 + n % cardinality($4::uuid[])] AS unit_id,
              '压测项目 ' || $2::int || '-' || n AS project_name, (10 + n % 90)::numeric AS budget, 60 + (n % 40) AS total,
              now() - make_interval(secs => n) AS updated_at, now() - interval '60 days' + make_interval(secs => n) AS created_at
       FROM generate_series($3::int, $3::int + $5::int - 1) n
     ), rows AS (
       SELECT g.*, t.state, t.scores, t.findings, t.created_by, t.evaluation_method, t.scored_rule_version,
              g.status = 'Draft' AND g.n % 7 = 0 AS returned,
              CASE WHEN g.status <> 'Draft' THEN g.updated_at - interval '1 hour' END AS submitted_at,
              CASE WHEN g.n % 10 = 0 THEN 1 + g.n % 3 ELSE 0 END AS error_count
       FROM g CROSS JOIN (SELECT * FROM evaluations WHERE id = $1) t
     ), ins AS (
       INSERT INTO evaluations (id, version, revision, status, returned, unit_id, fiscal_year, project_name, evaluation_method,
                                full_year_budget, executed, declared_total, computed_total, grade, error_count, warning_count,
                                scores, findings, state, created_by, created_at, updated_at, summary_seq, self_score, cycle_id,
                                form_version, scored_version, submitted_at, scored_rule_version${exists ? ', last_edited_by' : ''})
       SELECT id, 1, 1, status, returned, unit_id, $2, project_name, evaluation_method,
              budget, budget * 0.9, NULL, total, CASE WHEN total >= 90 THEN '优' WHEN total >= 80 THEN '良' ELSE '中' END, error_count, 0,
              scores, findings,
              state || jsonb_build_object('id', id, 'version', 1, 'formVersion', 1, 'status', status, 'returned', returned,
                                          'submittedAt', submitted_at, 'createdAt', created_at, 'updatedAt', updated_at)
                    || jsonb_build_object('form', (state->'form') || jsonb_build_object('unitId', unit_id, 'projectName', project_name, 'fiscalYear', $2::int, 'cycleId', NULL)),
              created_by, created_at, updated_at, NULL, total, NULL,
              1, 1, submitted_at, scored_rule_version${exists ? ', created_by' : ''}
       FROM rows
       RETURNING id, state, created_by, created_at
     )
     INSERT INTO evaluation_events (evaluation_id, version, type, payload, actor_id, occurred_at)
     SELECT id, 1, 'EvaluationDrafted', jsonb_build_object('form', state->'form', 'ruleSetId', state->>'ruleSetId'), created_by, created_at FROM ins`,
    [templateId, fiscalYear, from, unitIds, count],
  );
  // What the worker does within a second of a bulk change (absent before issue 9): fold the trigger's
  // deltas into the counters, and vacuum the deltas table once many rows went through it.
  const counters = await db.query(`SELECT evaluation_counts_fold()`).then(() => true, () => false);
  const seconds = (performance.now() - t0) / 1000;
  if (counters) await db.query('VACUUM evaluation_count_deltas');
  await db.query('VACUUM (ANALYZE) evaluations');
  return seconds;
}
