import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { AuthenticatedUser } from '../../../../libs/identity/src/roles.js';
import { SummaryQuery } from '../../../../libs/reporting/src/summary.query.js';
import { BoardQuery } from '../../../../libs/reporting/src/board.query.js';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';

export class SummaryQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear?: number;

  @IsOptional()
  @IsUUID()
  unitId?: string;
}

export class BoardQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear?: number;
}

@ApiTags('reporting 明细表与看板')
@ApiBearerAuth()
@Controller()
export class ReportingController {
  constructor(private readonly queries: QueryBus) {}

  /** 项目绩效评价明细表 */
  @Get('summary')
  summary(@CurrentUser() user: AuthenticatedUser, @Query() query: SummaryQueryDto) {
    return this.queries.execute(new SummaryQuery(user, query.fiscalYear, query.unitId));
  }

  /** 状态看板 */
  @Roles('manager', 'admin')
  @Get('board')
  board(@Query() query: BoardQueryDto) {
    return this.queries.execute(new BoardQuery(query.fiscalYear));
  }
}
