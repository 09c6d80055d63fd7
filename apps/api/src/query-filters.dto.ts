import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** `?fiscalYear=` as the list, summary, board, import and cycle endpoints take it; absent or empty = all years. */
export class FiscalYearFilterDto {
  @IsOptional()
  @Type(() => Number)
  // `?fiscalYear=` (a form's 全部年度 option) would otherwise become 0 and be refused.
  @Transform(({ value, obj, key }) => (obj[key] === '' ? undefined : value))
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear?: number;
}

export class UnitYearFilterDto extends FiscalYearFilterDto {
  @IsOptional()
  @IsUUID()
  unitId?: string;
}
