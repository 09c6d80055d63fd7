import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { UnitYearFilterDto } from '../query-filters.dto.js';
import { EVALUATION_STATUSES, type EvaluationStatus } from '../../../../libs/evaluation/src/domain/evaluation.js';

export class ListEvaluationsDto extends UnitYearFilterDto {
  @IsOptional()
  @IsIn(EVALUATION_STATUSES)
  status?: EvaluationStatus;

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
