import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Scorings remember the version of the rule data they used; a change of rules is found and rescored. */
export class RuleVersions1764460800000 implements MigrationInterface {
  name = 'RuleVersions1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evaluation_scorings ADD COLUMN rule_version text NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE evaluation_scorings DROP CONSTRAINT evaluation_scorings_pkey`);
    await q.query(`ALTER TABLE evaluation_scorings ADD PRIMARY KEY (evaluation_id, form_version, rule_set_id, rule_version)`);
    await q.query(`ALTER TABLE evaluations ADD COLUMN scored_rule_version text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evaluations DROP COLUMN scored_rule_version`);
    await q.query(`ALTER TABLE evaluation_scorings DROP CONSTRAINT evaluation_scorings_pkey`);
    await q.query(`ALTER TABLE evaluation_scorings DROP COLUMN rule_version`);
    await q.query(`ALTER TABLE evaluation_scorings ADD PRIMARY KEY (evaluation_id, form_version, rule_set_id)`);
  }
}
