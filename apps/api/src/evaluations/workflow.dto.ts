import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsHundredths } from './hundredths.validator.js';

export class TransitionDto {
  @ApiProperty({ description: '您读取时的版本号' })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

/** 核查分 of one indicator row. */
export class VerifiedScoreDto {
  @ApiProperty({ description: '指标行（从 0 起的序号，如 2 为第 3 行）', example: 1 })
  @IsInt()
  @Min(0)
  @Max(499)
  row: number;

  @ApiProperty({ description: '核查分（0 至该行分值，最多两位小数）', example: 24.5 })
  @IsHundredths({ message: '核查分须为数字（最多 2 位小数）' })
  score: number;

  @ApiPropertyOptional({ nullable: true, description: '核查说明：核查分与自评得分不同时必填' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;
}

/** What a reviewer sends with a step's decision: the 核查分 of indicator rows, if they verified any. */
export class ReviewDecisionDto extends TransitionDto {
  @ApiPropertyOptional({ type: [VerifiedScoreDto], description: '核查分（可选）：逐行填写审核人核定的得分' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => VerifiedScoreDto)
  verifiedScores?: VerifiedScoreDto[];
}

export class ApproveDto extends ReviewDecisionDto {
  @ApiPropertyOptional({ description: '审核意见（可选）' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
}

export class WithdrawDto extends TransitionDto {
  @ApiPropertyOptional({ description: '撤回原因（可选）' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reason?: string;
}

export class DiscardDto extends TransitionDto {
  @ApiPropertyOptional({ description: '删除原因（可选），记入操作记录' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reason?: string;
}

export class ReassignDto extends TransitionDto {
  @ApiProperty({ description: '改派给的审核人（用户 id）' })
  @IsUUID()
  userId: string;
}

export class ReturnCommentDto {
  @ApiPropertyOptional({
    nullable: true,
    description: '意见针对的字段或指标行，如 "projectName"、"funds.total.executed"、"indicators[3]"；不填为总体意见',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  target?: string | null;

  @ApiProperty({ description: '意见内容' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  text: string;
}

export class ReturnDto extends ReviewDecisionDto {
  @ApiProperty({ type: [ReturnCommentDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ReturnCommentDto)
  comments: ReturnCommentDto[];
}

export class ReopenDto extends TransitionDto {
  @ApiPropertyOptional({ description: '更正原因' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reason?: string;
}

export class CopyDto {
  @ApiProperty({ description: '新表的年度（须晚于原表的年度）', example: 2022 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear: number;
}
