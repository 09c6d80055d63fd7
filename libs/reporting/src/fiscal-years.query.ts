import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { seesAllUnits, visibleUnitIds, type AuthenticatedUser } from '#perf-eval/identity';
import { SqlFilter, readQuery } from '#perf-eval/persistence';
import { COUNTS_RELATION } from '#perf-eval/evaluation';

export interface FiscalYearCount {
  fiscalYear: number;
  evaluations: number;
}

/** The fiscal years the caller has forms in, newest first: what the year pickers offer and open on. */
export class FiscalYearsQuery extends Query<FiscalYearCount[]> {
  constructor(readonly user: AuthenticatedUser) {
    super();
  }
}

/** From the pre-aggregated counters: as cheap for many forms as for few. */
@QueryHandler(FiscalYearsQuery)
export class FiscalYearsHandler implements IQueryHandler<FiscalYearsQuery, FiscalYearCount[]> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ user }: FiscalYearsQuery): Promise<FiscalYearCount[]> {
    const sql = new SqlFilter().addIf(!seesAllUnits(user), 'unit_id = ANY(?::uuid[])', visibleUnitIds(user));
    const rows: { fiscal_year: number; n: string }[] = await readQuery(this.dataSource, 
      `SELECT fiscal_year, sum(n) AS n FROM ${COUNTS_RELATION} c ${sql.where} GROUP BY fiscal_year HAVING sum(n) > 0 ORDER BY fiscal_year DESC`,
      sql.params,
    );
    return rows.map((r) => ({ fiscalYear: r.fiscal_year, evaluations: Number(r.n) }));
  }
}
