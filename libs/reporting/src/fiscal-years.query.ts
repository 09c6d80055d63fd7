import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { seesAllUnits, type AuthenticatedUser } from '../../identity/src/roles.js';
import { SqlFilter } from '../../persistence/src/sql-filter.js';

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

@QueryHandler(FiscalYearsQuery)
export class FiscalYearsHandler implements IQueryHandler<FiscalYearsQuery, FiscalYearCount[]> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ user }: FiscalYearsQuery): Promise<FiscalYearCount[]> {
    const sql = new SqlFilter().addIf(!seesAllUnits(user), 'unit_id = ANY(?::uuid[])', user.unitIds);
    const rows: { fiscal_year: number; n: string }[] = await this.dataSource.query(
      `SELECT fiscal_year, count(*) AS n FROM evaluations ${sql.where} GROUP BY fiscal_year ORDER BY fiscal_year DESC`,
      sql.params,
    );
    return rows.map((r) => ({ fiscalYear: r.fiscal_year, evaluations: Number(r.n) }));
  }
}
