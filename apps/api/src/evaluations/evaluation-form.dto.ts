import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsHundredths } from './hundredths.validator.js';
import { isNonNegativeAmountInput, toAmount, EVALUATION_METHODS, type EditableForm, type EvaluationForm, type EvaluationMethod, type FundsRow } from '#perf-eval/evaluation';
import type { NewEvaluationForm } from '#perf-eval/evaluation';

/** 万元 as a JSON number or a decimal string with at most 6 decimals; budgets and spending are never negative. */
function IsAmount(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isAmount',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} 须为不小于 0 的金额（万元，数字或字符串，最多 6 位小数）`, ...options },
      validator: { validate: (value: unknown) => value === null || value === undefined || isNonNegativeAmountInput(value) },
    });
}

/** 分值 and 得分 of an indicator row: points out of the form's 100. */
function IsPoints() {
  return (object: object, propertyName: string) => {
    const label = propertyName === 'weight' ? '分值' : '得分';
    IsHundredths({ message: `${label}须为数字（最多 2 位小数）` })(object, propertyName);
    Min(0, { message: `${label}须在 0 到 100 之间` })(object, propertyName);
    Max(100, { message: `${label}须在 0 到 100 之间` })(object, propertyName);
  };
}

const TEXT = 4000;
const SHORT = 200;

export class FundsRowDto {
  @ApiPropertyOptional({ type: String, example: '90', description: '年初预算数（万元）' })
  @IsOptional()
  @IsAmount()
  initialBudget?: number | string | null;

  @ApiPropertyOptional({ type: String, example: '90', description: '全年预算数（万元）' })
  @IsOptional()
  @IsAmount()
  fullYearBudget?: number | string | null;

  @ApiPropertyOptional({ type: String, example: '46.107788', description: '全年执行数（万元）' })
  @IsOptional()
  @IsAmount()
  executed?: number | string | null;
}

export class FundsDto {
  @ApiPropertyOptional({ type: FundsRowDto, nullable: true, description: '年度资金总额' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FundsRowDto)
  total?: FundsRowDto | null;

  @ApiPropertyOptional({ type: FundsRowDto, nullable: true, description: '其中：当年财政拨款' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FundsRowDto)
  currentYear?: FundsRowDto | null;

  @ApiPropertyOptional({ type: FundsRowDto, nullable: true, description: '上年结转资金' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FundsRowDto)
  carryOver?: FundsRowDto | null;

  @ApiPropertyOptional({ type: FundsRowDto, nullable: true, description: '其他资金' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FundsRowDto)
  other?: FundsRowDto | null;
}

export class GoalsDto {
  @ApiPropertyOptional({ description: '预期目标' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  expected?: string;

  @ApiPropertyOptional({ description: '实际完成情况' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  actual?: string;
}

export class IndicatorDto {
  @ApiProperty({ example: '产出指标', description: '一级指标' })
  @IsString()
  @MaxLength(SHORT)
  level1: string;

  @ApiProperty({ example: '数量指标', description: '二级指标' })
  @IsString()
  @MaxLength(SHORT)
  level2: string;

  @ApiProperty({ example: '讲题策划、推进会', description: '三级指标' })
  @IsString()
  @MaxLength(TEXT)
  name: string;

  @ApiProperty({ example: '6次', description: '年度指标值' })
  @IsString()
  @MaxLength(TEXT)
  target: string;

  @ApiProperty({ example: '6次', description: '实际完成值' })
  @IsString()
  @MaxLength(TEXT)
  actual: string;

  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 100, example: 5, description: '分值' })
  @IsOptional()
  @IsPoints()
  weight: number | null;

  @ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 100, example: 5, description: '得分' })
  @IsOptional()
  @IsPoints()
  score: number | null;

  @ApiPropertyOptional({ description: '偏差原因分析及改进措施' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  deviation?: string;
}

export class EvaluationFormDto {
  @ApiProperty({ example: 2021, description: '年度' })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear: number;

  @ApiPropertyOptional({ description: '实施单位 id；填报人只属于一个单位时可省略' })
  @IsOptional()
  @IsUUID()
  unitId?: string;

  @ApiPropertyOptional({ example: '新媒体运营服务项目', description: '项目名称' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  projectName?: string;

  @ApiPropertyOptional({ example: '中共北京市委老干部局', description: '主管部门' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  competentDepartment?: string;

  @ApiPropertyOptional({ description: '项目负责人' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  projectLead?: string;

  @ApiPropertyOptional({ description: '联系电话' })
  @IsOptional()
  @IsString()
  @MaxLength(SHORT)
  contactPhone?: string;

  @ApiPropertyOptional({ enum: EVALUATION_METHODS, description: '评价方式' })
  @IsOptional()
  @IsIn(EVALUATION_METHODS)
  evaluationMethod?: EvaluationMethod;

  @ApiPropertyOptional({ type: FundsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FundsDto)
  funds?: FundsDto;

  @ApiPropertyOptional({ type: GoalsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GoalsDto)
  goals?: GoalsDto;

  @ApiPropertyOptional({ type: [IndicatorDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(300)
  @ValidateNested({ each: true })
  @Type(() => IndicatorDto)
  indicators?: IndicatorDto[];
}

export class UpdateEvaluationDto extends EvaluationFormDto {
  @ApiProperty({ description: '您读取时的版本号' })
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

/** The validated body of a new form as the domain's form: amounts canonical, blanks explicit; the unit, if named. */
export function toForm(dto: EvaluationFormDto): NewEvaluationForm {
  return { ...toEditableForm(dto), ...(dto.unitId ? { unitId: dto.unitId } : {}) };
}

/** The validated body of an edit: only what a drafter edits (a `unitId` in the body is not read). */
export function toEditableForm(dto: EvaluationFormDto): EditableForm {
  return {
    fiscalYear: dto.fiscalYear,
    projectName: dto.projectName?.trim() ?? '',
    competentDepartment: dto.competentDepartment?.trim() ?? '',
    projectLead: dto.projectLead?.trim() ?? '',
    contactPhone: dto.contactPhone?.trim() ?? '',
    evaluationMethod: dto.evaluationMethod ?? '单位自评',
    funds: {
      total: fundsRow(dto.funds?.total),
      currentYear: fundsRow(dto.funds?.currentYear),
      carryOver: fundsRow(dto.funds?.carryOver),
      other: fundsRow(dto.funds?.other),
    },
    goals: { expected: dto.goals?.expected ?? '', actual: dto.goals?.actual ?? '' },
    indicators: (dto.indicators ?? []).map((row) => ({
      level1: row.level1,
      level2: row.level2,
      name: row.name,
      target: row.target,
      actual: row.actual,
      weight: row.weight ?? null,
      score: row.score ?? null,
      deviation: row.deviation ?? '',
    })),
  };
}

function fundsRow(row: FundsRowDto | null | undefined): FundsRow | null {
  if (!row) return null;
  const amount = (value: number | string | null | undefined) => (value === null || value === undefined || value === '' ? null : toAmount(value));
  return { initialBudget: amount(row.initialBudget), fullYearBudget: amount(row.fullYearBudget), executed: amount(row.executed) };
}
