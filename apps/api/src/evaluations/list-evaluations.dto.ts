import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { UnitYearFilterDto } from '../query-filters.dto.js';
import { EVALUATION_STATUSES, type EvaluationStatus, EVALUATION_QUEUES, type EvaluationQueue } from '#perf-eval/evaluation';

export class ListEvaluationsDto extends UnitYearFilterDto {
  @IsOptional()
  @IsIn(EVALUATION_STATUSES)
  status?: EvaluationStatus;

  /** Project name contains (case-insensitive), 1–100 characters after trimming. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  q?: string;

  @IsOptional()
  @IsIn(EVALUATION_QUEUES)
  queue?: EvaluationQueue;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export class RevisionQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  revision?: number;
}
