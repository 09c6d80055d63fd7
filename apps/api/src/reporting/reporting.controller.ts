import { Controller, Get, Logger, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import {
  summaryWorkbookStream,
  summaryTitle,
  summaryCsvStream,
  summaryDocx,
  summaryForDocument,
  summaryPdf,
  SummaryExportQuery,
  SummaryQuery,
  BoardQuery,
  FiscalYearsQuery,
  PublicationPackQuery,
  type PublicationPack,
} from '#perf-eval/reporting';
import type { SummaryExport } from '#perf-eval/reporting';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min, ValidateIf } from 'class-validator';
import { FiscalYearFilterDto, UnitYearFilterDto } from '../query-filters.dto.js';

/** `?page=&pageSize=`: one page of the 明细表 (both or neither; without them the whole table). */
export class SummaryQueryDto extends UnitYearFilterDto {
  @ValidateIf((o: SummaryQueryDto) => o.pageSize !== undefined || o.page !== undefined)
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ValidateIf((o: SummaryQueryDto) => o.pageSize !== undefined || o.page !== undefined)
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
}

/** The pack is of one year (required) and one unit (required when the year's published forms are of several). */
export class PublicationQueryDto {
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear: number;

  @IsOptional()
  @IsUUID()
  unitId?: string;
}
import type { AuthenticatedUser } from '#perf-eval/identity';

import { Allowed, CurrentUser } from '../auth/auth.decorators.js';
import { REPORTING_ACCESS } from '#perf-eval/reporting';


@ApiTags('reporting 明细表与看板')
@ApiBearerAuth()
@Controller()
export class ReportingController {
  constructor(private readonly queries: QueryBus) {}

  /** 有自评表的年度 (newest first) */
  @Allowed(REPORTING_ACCESS, 'fiscal-years.list')
  @Get('fiscal-years')
  fiscalYears(@CurrentUser() user: AuthenticatedUser) {
    return this.queries.execute(new FiscalYearsQuery(user));
  }

  /** 项目绩效评价明细表 */
  @Allowed(REPORTING_ACCESS, 'summary.read')
  @Get('summary')
  summary(@CurrentUser() user: AuthenticatedUser, @Query() query: SummaryQueryDto) {
    const page = query.page !== undefined && query.pageSize !== undefined ? { page: query.page, size: query.pageSize } : undefined;
    return this.queries.execute(new SummaryQuery(user, query.fiscalYear, query.unitId, page));
  }

  /**
   * The exports of the whole table (no page). Excel and CSV are written as their rows arrive from one
   * snapshot (SummaryExportQuery): a city's year of 100,000 rows in constant memory. Word and PDF are built
   * whole, up to SUMMARY_DOCUMENT_MAX_ROWS rows (422 EXPORT_TOO_LARGE beyond, before anything is read).
   * A client that leaves ends the read: Nest's adapter destroys the stream, and its closing ends the export's
   * transaction (exportFile), also when the client left before the first row (summary-exports.e2e-spec).
   */
  @Allowed(REPORTING_ACCESS, 'summary.export')
  @Get('summary.xlsx')
  async summaryXlsx(@CurrentUser() user: AuthenticatedUser, @Query() query: UnitYearFilterDto, @Res({ passthrough: true }) res: Response) {
    const summary: SummaryExport = await this.queries.execute(new SummaryExportQuery(user, query.fiscalYear, query.unitId));
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', attachment(`${summaryTitle(summary)}.xlsx`));
    return exportFile(summary, summaryWorkbookStream(summary, summary.chunks));
  }

  @Allowed(REPORTING_ACCESS, 'summary.export')
  @Get('summary.docx')
  async summaryDocx(@CurrentUser() user: AuthenticatedUser, @Query() query: UnitYearFilterDto, @Res({ passthrough: true }) res: Response) {
    const summary: SummaryExport = await this.queries.execute(new SummaryExportQuery(user, query.fiscalYear, query.unitId));
    const table = await summaryForDocument(summary, 'Word');
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    res.setHeader('Content-Disposition', attachment(`${summaryTitle(table)}.docx`));
    return new StreamableFile(await summaryDocx(table));
  }

  @Allowed(REPORTING_ACCESS, 'summary.export')
  @Get('summary.pdf')
  async summaryPdf(@CurrentUser() user: AuthenticatedUser, @Query() query: UnitYearFilterDto, @Res({ passthrough: true }) res: Response) {
    const summary: SummaryExport = await this.queries.execute(new SummaryExportQuery(user, query.fiscalYear, query.unitId));
    const table = await summaryForDocument(summary, 'PDF');
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', attachment(`${summaryTitle(table)}.pdf`));
    return new StreamableFile(await summaryPdf(table));
  }

  @Allowed(REPORTING_ACCESS, 'summary.export')
  @Get('summary.csv')
  async summaryCsv(@CurrentUser() user: AuthenticatedUser, @Query() query: UnitYearFilterDto, @Res({ passthrough: true }) res: Response) {
    const summary: SummaryExport = await this.queries.execute(new SummaryExportQuery(user, query.fiscalYear, query.unitId));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', attachment(`${summaryTitle(summary)}.csv`));
    return exportFile(summary, Readable.from(summaryCsvStream(summary, summary.chunks)));
  }

  /**
   * 公开材料包: the unit's 明细表 and every published form (its last published revision) as PDF and Word,
   * without 联系电话 or other contact data, with manifest.json (sha256, revision, published time).
   */
  @Allowed(REPORTING_ACCESS, 'publication.download')
  @Get('publication')
  async publication(@Query() query: PublicationQueryDto, @Res({ passthrough: true }) res: Response) {
    const pack: PublicationPack = await this.queries.execute(new PublicationPackQuery(query.fiscalYear, query.unitId));
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', attachment(pack.fileName));
    return new StreamableFile(pack.zip);
  }

  /** 状态看板 */
  @Allowed(REPORTING_ACCESS, 'board.read')
  @Get('board')
  board(@Query() query: FiscalYearFilterDto) {
    return this.queries.execute(new BoardQuery(query.fiscalYear));
  }
}

/** Chinese file names travel in RFC 5987 form, with an ASCII fallback. */
export function attachment(fileName: string): string {
  // The plain `filename` is for clients that read nothing else: ASCII only, so a name's own extension if it has one.
  const extension = /\.[A-Za-z0-9]{1,10}$/.exec(fileName)?.[0] ?? '';
  // RFC 5987: encodeURIComponent leaves ' ( ) * as they are, which the extended value does not allow.
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="export${extension}"; filename*=UTF-8''${encoded}`;
}

const logger = new Logger('SummaryExport');

/** An export's file: when its stream closes (written, failed, or its client gone, even before it began), the read ends. */
function exportFile(summary: SummaryExport, body: Readable): StreamableFile {
  body.once('close', () => summary.close().catch((error: Error) => logger.warn(`export not closed cleanly: ${error.message}`)));
  return new StreamableFile(body);
}
