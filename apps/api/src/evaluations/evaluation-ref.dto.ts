import { ApiProperty } from '@nestjs/swagger';
import { EVALUATION_STATUSES, FINDING_CODES } from '#perf-eval/evaluation';

/** Swagger shapes of what the evaluation commands answer (documentation only: nothing is validated here). */
export class EvaluationScoresDto {
  @ApiProperty({ type: Number, nullable: true, example: 54.49, description: '预算执行率（%，2 位小数）；无全年预算数或执行数时为 null' })
  executionRate: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 5.45, description: '预算执行率得分' })
  budgetScore: number | null;

  @ApiProperty({ example: 76.8, description: '各指标自评得分之和' })
  indicatorScore: number;

  @ApiProperty({ type: Number, nullable: true, example: 82.25, description: '总分' })
  total: number | null;

  @ApiProperty({ type: String, nullable: true, enum: ['优', '良', '中', '差'], description: '等级' })
  grade: string | null;
}

export class FindingDto {
  @ApiProperty({ enum: FINDING_CODES, example: 'WEIGHT_TOTAL_NOT_100' })
  code: string;

  @ApiProperty({ enum: ['error', 'warning', 'info'], description: 'error 阻止提交；warning、info 供审核参考' })
  severity: string;

  @ApiProperty({ example: 'indicators', description: '表中位置，如 "projectName"、"funds.total.executed"、"indicators[3].deviation"' })
  path: string;

  @ApiProperty({ description: '说明（中文）' })
  message: string;
}

export class EvaluationRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: EVALUATION_STATUSES })
  status: string;

  @ApiProperty({ description: '新版本号：下一次操作的 expectedVersion' })
  version: number;

  @ApiProperty({
    type: EvaluationScoresDto,
    nullable: true,
    description: '当前表单的得分：修改表单的操作（新建、修改、重新打开）在同一事务中计算并记录，与随后 GET 的结果相同',
  })
  scores: EvaluationScoresDto | null;

  @ApiProperty({ type: [FindingDto], nullable: true, description: '当前表单的审核发现（与 scores 同时计算）' })
  findings: FindingDto[] | null;
}

export class DiscardedEvaluationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: '删除草稿这一事件的版本号（操作记录保留）' })
  version: number;

  @ApiProperty({ enum: [true], description: '草稿已删除：不再出现在任何列表、看板和明细表中' })
  discarded: true;
}
