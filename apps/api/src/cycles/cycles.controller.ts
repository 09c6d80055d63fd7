import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Matches, ArrayMaxSize, IsArray, IsDateString, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { CyclesStore, RecomputeCycleCommand, RecomputeRuns } from '#perf-eval/cycles';
import { Allowed, CurrentUser } from '../auth/auth.decorators.js';
import { NotFoundError } from '../api.errors.js';
import { FiscalYearFilterDto } from '../query-filters.dto.js';
import { CYCLES_ACCESS } from '#perf-eval/cycles';

/** Deadlines are instants: a time without its zone would be read in the server's zone, not Beijing's. */
const INSTANT = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export class ReminderPolicyDto {
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(30, { each: true })
  before: string[];

  @IsString()
  @MaxLength(30)
  reviewWait: string;
}

export class CreateCycleDto {
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear: number;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsDateString({ strict: true })
  @Matches(INSTANT, { message: '$property 须为带时区的时刻，如 2026-12-01T18:00:00+08:00' })
  submissionDeadline: string;

  @IsDateString({ strict: true })
  @Matches(INSTANT, { message: '$property 须为带时区的时刻，如 2026-12-01T18:00:00+08:00' })
  reviewDeadline: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReminderPolicyDto)
  reminderPolicy?: ReminderPolicyDto;
}

export class UpdateCycleDto {
  /** A cycle set up for the wrong year is moved (its reminders follow the forms of the new year at the next tick). */
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(INSTANT, { message: '$property 须为带时区的时刻，如 2026-12-01T18:00:00+08:00' })
  submissionDeadline?: string;

  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(INSTANT, { message: '$property 须为带时区的时刻，如 2026-12-01T18:00:00+08:00' })
  reviewDeadline?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReminderPolicyDto)
  reminderPolicy?: ReminderPolicyDto;

  @IsOptional()
  @IsIn(['open', 'closed'])
  status?: 'open' | 'closed';
}


@ApiTags('cycles 评价批次')
@ApiBearerAuth()
@Controller()
export class CyclesController {
  constructor(
    private readonly cycles: CyclesStore,
    private readonly commands: CommandBus,
    private readonly runs: RecomputeRuns,
  ) {}

  @Allowed(CYCLES_ACCESS, 'cycles.create')
  @Post('cycles')
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateCycleDto) {
    return this.cycles.create(
      { ...body, submissionDeadline: new Date(body.submissionDeadline), reviewDeadline: new Date(body.reviewDeadline) },
      user.id,
    );
  }

  /** Changing a deadline reschedules by itself: reminders are computed from the deadlines at each tick. */
  @Allowed(CYCLES_ACCESS, 'cycles.update')
  @Patch('cycles/:id')
  update(@Param('id') id: string, @Body() body: UpdateCycleDto) {
    return this.cycles.update(id, {
      ...body,
      submissionDeadline: body.submissionDeadline ? new Date(body.submissionDeadline) : undefined,
      reviewDeadline: body.reviewDeadline ? new Date(body.reviewDeadline) : undefined,
    });
  }

  @Allowed(CYCLES_ACCESS, 'cycles.list')
  @Get('cycles')
  list(@Query() query: FiscalYearFilterDto) {
    return this.cycles.list(query.fiscalYear);
  }

  @Allowed(CYCLES_ACCESS, 'cycles.recompute')
  @Post('cycles/:id/recompute')
  @HttpCode(202)
  recompute(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    return this.commands.execute(new RecomputeCycleCommand(id, user.id));
  }

  @Allowed(CYCLES_ACCESS, 'recompute-runs.view')
  @Get('jobs/:id')
  async job(@Param('id') id: string) {
    const job = await this.runs.progress(id);
    if (!job) throw new NotFoundError(`任务不存在：${id}`);
    return job;
  }
}
