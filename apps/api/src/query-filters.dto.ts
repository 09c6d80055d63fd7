import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** `?fiscalYear=` as the list, summary, board, import and cycle endpoints take it. */
export class FiscalYearFilterDto {
  @IsOptional()
  @Type(() => Number)
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
