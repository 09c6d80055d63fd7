import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BULK_MAX_ITEMS, EVALUATION_STATUSES } from '#perf-eval/evaluation';
import { ERROR_CODES } from '#perf-eval/errors';
import { ReturnCommentDto } from './workflow.dto.js';

export class BulkItemDto {
  @ApiProperty({ format: 'uuid', description: '自评表 id' })
  @IsUUID('all', { message: 'id 须为 UUID' })
  id: string;

  @ApiProperty({ description: '您读取该表时的版本号' })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

/** Ids compare as PostgreSQL compares UUIDs: without regard to case. */
const itemId = (item: unknown) => {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.toLowerCase() : id;
};

export class BulkItemsDto {
  @ApiProperty({ type: [BulkItemDto], minItems: 1, maxItems: BULK_MAX_ITEMS, description: `要处理的自评表（1–${BULK_MAX_ITEMS} 张，不得重复），按此顺序逐张处理` })
  @IsArray()
  @ArrayMinSize(1, { message: '请至少选择一张自评表' })
  @ArrayMaxSize(BULK_MAX_ITEMS, { message: `一次最多处理 ${BULK_MAX_ITEMS} 张自评表` })
  @ArrayUnique(itemId, { message: '同一张自评表不能重复出现' })
  @ValidateNested({ each: true })
  @Type(() => BulkItemDto)
  items: BulkItemDto[];
}

export class BulkApproveDto extends BulkItemsDto {
  @ApiPropertyOptional({ description: '审核意见（可选），记入每张表' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
}

export class BulkReturnDto extends BulkItemsDto {
  @ApiPropertyOptional({ description: '总体退回意见，记入每张表；与 comments 至少填写一项' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;

  @ApiPropertyOptional({ type: [ReturnCommentDto], description: '退回意见，原样记入每张表（各表的字段与指标行不同，批量退回宜用总体意见，target 为 null）' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ReturnCommentDto)
  comments?: ReturnCommentDto[];
}

export class BulkPublishDto extends BulkItemsDto {}

export class BulkItemResultDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: '该表是否已处理' })
  ok: boolean;

  @ApiPropertyOptional({ enum: EVALUATION_STATUSES, description: '处理后的状态（ok 时）' })
  status?: string;

  @ApiPropertyOptional({ description: '处理后的版本号（ok 时）' })
  version?: number;

  @ApiPropertyOptional({ enum: ERROR_CODES, example: 'VERSION_CONFLICT', description: '该表被拒绝的原因代码，与单独操作时相同（未 ok 时）' })
  code?: string;

  @ApiPropertyOptional({ description: '拒绝原因（中文，未 ok 时）' })
  message?: string;
}

export class BulkResultsDto {
  @ApiProperty({ type: [BulkItemResultDto], description: '每张表的结果，顺序与请求相同' })
  results: BulkItemResultDto[];
}
