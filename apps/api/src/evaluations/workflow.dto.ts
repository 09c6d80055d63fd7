import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TransitionDto {
  @ApiProperty({ description: '您读取时的版本号' })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class ApproveDto extends TransitionDto {
  @ApiPropertyOptional({ description: '审核意见（可选）' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;
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

export class ReturnDto extends TransitionDto {
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
