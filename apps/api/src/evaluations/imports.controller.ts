import { BadRequestException, Body, Controller, Headers, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { UnitYearFilterDto } from '../query-filters.dto.js';
import type { AuthenticatedUser } from '../../../../libs/identity/src/roles.js';
import { ImportSelfEvaluationsCommand } from '../../../../libs/evaluation/src/application/import-self-evaluations.command.js';
import { CurrentUser } from '../auth/auth.decorators.js';
import { cleanText, type FieldError } from '../text-input.js';
import { validationFailed } from '../validation.pipe.js';

export class ImportQueryDto extends UnitYearFilterDto {
  @IsOptional()
  @IsIn(['draft', 'published'])
  as?: 'draft' | 'published';

  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;
}

@ApiTags('imports 导入')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(private readonly commands: CommandBus) {}

  /** The text dump of a unit's Word forms (项目绩效评价明细表 + 项目支出绩效自评表), as in samples/. */
  @Post('self-evaluations')
  @ApiConsumes('text/plain')
  @ApiBody({ schema: { type: 'string' } })
  importSelfEvaluations(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ImportQueryDto,
    @Body() body: unknown,
    @Headers('x-file-name') headerFileName?: string,
  ) {
    if (typeof body !== 'string' || body.trim() === '') {
      throw new BadRequestException({ code: 'IMPORT_BODY_REQUIRED', message: '请以 Content-Type: text/plain 上传自评表文本' });
    }
    const fileName = query.fileName ?? fileNameFromHeader(headerFileName) ?? 'upload.txt';
    return this.commands.execute(
      new ImportSelfEvaluationsCommand(user, body, fileName, { fiscalYear: query.fiscalYear, unitId: query.unitId, asPublished: query.as === 'published' }),
    );
  }
}

/** `X-File-Name` carries a percent-encoded name; a malformed or overlong one is refused, not guessed at. */
function fileNameFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  let name: string | null = null;
  try {
    name = decodeURIComponent(header);
  } catch {
    // refused below
  }
  if (name === null || name.length > 255) throw validationFailed([{ field: 'X-File-Name', messages: ['须为 URL 编码的文件名，最长 255 个字符'] }]);
  // Headers do not pass the validation pipe: the same text policy as every other field.
  const errors: FieldError[] = [];
  const cleaned = cleanText(name, 'X-File-Name', errors) as string;
  if (errors.length > 0) throw validationFailed(errors);
  return cleaned;
}
