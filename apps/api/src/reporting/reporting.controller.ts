import { Controller, Get, Header, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { summaryWorkbook, summaryTitle } from '../../../../libs/reporting/src/summary-workbook.js';
import { summaryCsv } from '../../../../libs/reporting/src/summary-csv.js';
import type { SummaryTable } from '../../../../libs/reporting/src/summary-table.js';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FiscalYearFilterDto, UnitYearFilterDto } from '../query-filters.dto.js';
import type { AuthenticatedUser } from '../../../../libs/identity/src/roles.js';
import { SummaryQuery } from '../../../../libs/reporting/src/summary.query.js';
import { BoardQuery } from '../../../../libs/reporting/src/board.query.js';
import { FiscalYearsQuery } from '../../../../libs/reporting/src/fiscal-years.query.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';


@ApiTags('reporting 明细表与看板')
@ApiBearerAuth()
@Controller()
export class ReportingController {
  constructor(private readonly queries: QueryBus) {}

  /** 有自评表的年度 (newest first) */
  @Get('fiscal-years')
  fiscalYears(@CurrentUser() user: AuthenticatedUser) {
    return this.queries.execute(new FiscalYearsQuery(user));
  }

  /** 项目绩效评价明细表 */
  @Get('summary')
  summary(@CurrentUser() user: AuthenticatedUser, @Query() query: UnitYearFilterDto) {
    return this.queries.execute(new SummaryQuery(user, query.fiscalYear, query.unitId));
  }

  @Get('summary.xlsx')
  @Header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async summaryXlsx(@CurrentUser() user: AuthenticatedUser, @Query() query: UnitYearFilterDto, @Res({ passthrough: true }) res: Response) {
    const table: SummaryTable = await this.queries.execute(new SummaryQuery(user, query.fiscalYear, query.unitId));
    res.setHeader('Content-Disposition', attachment(`${summaryTitle(table)}.xlsx`));
    return new StreamableFile(await summaryWorkbook(table));
  }

  @Get('summary.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async summaryCsv(@CurrentUser() user: AuthenticatedUser, @Query() query: UnitYearFilterDto, @Res({ passthrough: true }) res: Response) {
    const table: SummaryTable = await this.queries.execute(new SummaryQuery(user, query.fiscalYear, query.unitId));
    res.setHeader('Content-Disposition', attachment(`${summaryTitle(table)}.csv`));
    return summaryCsv(table);
  }

  /** 状态看板 */
  @Roles('manager', 'admin')
  @Get('board')
  board(@Query() query: FiscalYearFilterDto) {
    return this.queries.execute(new BoardQuery(query.fiscalYear));
  }
}

/** Chinese file names travel in RFC 5987 form, with an ASCII fallback. */
export function attachment(fileName: string): string {
  return `attachment; filename="export${fileName.slice(fileName.lastIndexOf('.'))}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
