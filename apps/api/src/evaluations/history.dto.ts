import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { EVALUATION_EVENT_LABELS, type EvaluationEventType } from '#perf-eval/evaluation';

const EVENT_TYPES = Object.keys(EVALUATION_EVENT_LABELS) as EvaluationEventType[];

/** `?types=EvaluationApproved,EvaluationReturned&forms=false`: which of the history (both optional). */
export class HistoryQueryDto {
  @ApiPropertyOptional({ description: '只要这些操作（事件类型，逗号分隔）', example: 'EvaluationApproved,EvaluationReturned,EvaluationStepApproved' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',') : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @IsIn(EVENT_TYPES, { each: true })
  types?: EvaluationEventType[];

  @ApiPropertyOptional({ description: 'false：不带每次保存、创建、导入时的整张表（payload.form），只要谁在何时做了什么' })
  @IsOptional()
  // Only the words true and false: anything else stays as sent and is refused by IsBoolean.
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  forms?: boolean;
}
