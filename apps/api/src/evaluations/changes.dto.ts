import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `?since=<version>` or `?sinceMyLastReview=true`: exactly one (the controller checks that). */
export class ChangesQueryDto {
  @ApiPropertyOptional({ description: '从哪个版本号起对比（1 至当前版本号）', example: 4 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  since?: number;

  @ApiPropertyOptional({ description: 'true：从您上次审核（审核通过或退回）产生的版本起对比；您未审核过此表时 404 NO_PREVIOUS_REVIEW' })
  @IsOptional()
  // Only the words true and false: anything else stays as sent and is refused by IsBoolean.
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  sinceMyLastReview?: boolean;
}

/** Swagger shapes of the answer (documentation only). */
export class FieldChangeDto {
  @ApiProperty({ example: 'funds.total.executed', description: '表中位置' })
  path: string;

  @ApiProperty({ example: '项目资金·年度资金总额·全年执行数' })
  label: string;

  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }], description: '原值（金额为字符串，分值、得分为数字）' })
  before: string | number | null;

  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }], description: '新值' })
  after: string | number | null;
}

export class RowChangeDto {
  @ApiProperty({ description: '新表中的行号（0 起）；删除的行为原表中的行号' })
  index: number;

  @ApiProperty({ type: Number, nullable: true, description: '原表中的行号（新增的行为 null）' })
  previousIndex: number | null;

  @ApiProperty({ enum: ['added', 'removed', 'changed'] })
  change: string;

  @ApiProperty({ type: [FieldChangeDto] })
  fields: FieldChangeDto[];
}

export class AttachmentChangeDto {
  @ApiProperty({ enum: ['added', 'removed'] })
  change: string;

  @ApiProperty()
  id: string;

  @ApiProperty({ type: String, nullable: true })
  fileName: string | null;

  @ApiProperty({ type: String, nullable: true, description: '所属位置，如 "indicators[2]"；null 为整张表' })
  target: string | null;
}

export class CommentFollowUpDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ type: String, nullable: true })
  target: string | null;

  @ApiProperty({ example: '绩效指标第 2 行' })
  place: string;

  @ApiProperty()
  text: string;

  @ApiProperty()
  authorId: string;

  @ApiProperty()
  createdAt: string;

  @ApiProperty({ type: Number, nullable: true, description: '退回产生的版本号' })
  returnedAtVersion: number | null;

  @ApiProperty({ description: '意见所指的字段或指标行在退回后是否被修改（总体意见：整张表是否被修改）' })
  targetChanged: boolean;

  @ApiProperty()
  resolved: boolean;

  @ApiProperty({ type: String, nullable: true })
  resolvedBy: string | null;

  @ApiProperty({ type: String, nullable: true })
  resolvedAt: string | null;
}

export class EvaluationChangesDto {
  @ApiProperty()
  fromVersion: number;

  @ApiProperty({ description: '当前版本号' })
  toVersion: number;

  @ApiProperty({ type: [FieldChangeDto], description: '基本信息、项目资金、年度总体目标中修改的字段' })
  fields: FieldChangeDto[];

  @ApiProperty({ type: [RowChangeDto], description: '新增、删除、修改的绩效指标行（按一级/二级指标与名称对应）' })
  rows: RowChangeDto[];

  @ApiProperty({ type: [AttachmentChangeDto], description: '其间新增或删除的佐证材料' })
  attachments: AttachmentChangeDto[];

  @ApiProperty({ type: [CommentFollowUpDto], description: '当前一版的退回意见及其所指内容是否已修改' })
  comments: CommentFollowUpDto[];
}
