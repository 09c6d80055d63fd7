import { Body, Controller, Headers, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { UnitYearFilterDto } from '../query-filters.dto.js';
import { AppConfig, processConfig } from '#perf-eval/config';
import type { AuthenticatedUser } from '#perf-eval/identity';
import {
  ImportSelfEvaluationsCommand,
  type ImportSource,
  DOCX_CONTENT_TYPE,
  EmptyUploadError,
  UnsupportedFileError,
  XLSX_CONTENT_TYPE,
  isZip,
  openDocument,
} from '#perf-eval/evaluation';
import { CurrentUser } from '../auth/auth.decorators.js';
import { cleanText, type FieldError } from '../text-input.js';
import { ValidationFailedError } from '../api.errors.js';

export class ImportQueryDto extends UnitYearFilterDto {
  @IsOptional()
  @IsIn(['draft', 'published'])
  as?: 'draft' | 'published';

  @IsOptional()
  @IsString()
  @MaxLength(255)
  fileName?: string;
}

/**
 * Multer's limits of an upload: IMPORT_BODY_LIMIT, as the body parsers apply it. A getter, because the decorator
 * that carries these runs when this file is imported, before the process has loaded its configuration; Multer
 * reads it for each upload.
 */
function uploadLimits() {
  return {
    get fileSize() {
      return processConfig().importBodyLimit;
    },
    files: 1,
    fields: 20,
    parts: 30,
  };
}

interface UploadedImportFile {
  buffer: Buffer;
  originalname: string;
  size: number;
}

@ApiTags('imports 导入')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  /**
   * A unit's existing forms (项目绩效评价明细表 + 项目支出绩效自评表): the text dump as in samples/
   * (text/plain), the Word file itself (.docx), a workbook laid out as form.xlsx exports it (.xlsx),
   * or any of them as a multipart upload in the field `file`. What a file is comes from its bytes.
   */
  @Post('self-evaluations')
  @UseInterceptors(FileInterceptor('file', { limits: uploadLimits() }))
  @ApiConsumes('text/plain', DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, 'multipart/form-data')
  @ApiBody({ schema: { oneOf: [{ type: 'string' }, { type: 'object', properties: { file: { type: 'string', format: 'binary' } } }] } })
  async importSelfEvaluations(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ImportQueryDto,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @UploadedFile() file: UploadedImportFile | undefined,
    @Headers('x-file-name') headerFileName?: string,
  ) {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    let source: ImportSource;
    let defaultName: string;
    if (type === 'multipart/form-data') {
      if (!file || file.size === 0) throw new EmptyUploadError('请在表单字段 file 中上传自评表文件（.docx、.xlsx 或 .txt）');
      source = await sourceOf(file.buffer, this.config.importMaxUnpackedBytes);
      defaultName = safeName(file.originalname) ?? `upload.${source.format === 'text' ? 'txt' : source.format}`;
    } else if (type === DOCX_CONTENT_TYPE || type === XLSX_CONTENT_TYPE) {
      if (!Buffer.isBuffer(body) || body.length === 0) throw new EmptyUploadError('请求体为空：请上传文件内容');
      source = await sourceOf(body, this.config.importMaxUnpackedBytes, true);
      defaultName = `upload.${source.format}`;
    } else if (type === 'text/plain') {
      if (typeof body !== 'string' || body.trim() === '') {
        throw new EmptyUploadError('请以 Content-Type: text/plain 上传自评表文本');
      }
      // Word or Excel bytes sent as text would read as garbage: name the mistake instead.
      if (body.startsWith('PK\u0003\u0004')) throw new UnsupportedFileError('内容是 Word/Excel（zip）文件，请以其自身的 Content-Type 或 multipart 上传，而不是 text/plain');
      source = { format: 'text', text: body };
      defaultName = 'upload.txt';
    } else {
      throw new UnsupportedFileError(`不支持的 Content-Type：${type || '（无）'}；请上传 text/plain、.docx、.xlsx 或 multipart/form-data`);
    }
    const fileName = query.fileName ?? fileNameFromHeader(headerFileName) ?? defaultName;
    return this.commands.execute(
      new ImportSelfEvaluationsCommand(user, source, fileName, { fiscalYear: query.fiscalYear, unitId: query.unitId, asPublished: query.as === 'published' }),
    );
  }
}

/** A Word or Excel file by its bytes; in a multipart upload, a text file too. */
async function sourceOf(bytes: Buffer, maxUnpackedBytes: number, mustBeDocument = false): Promise<ImportSource> {
  if (isZip(bytes)) return openDocument(bytes, maxUnpackedBytes);
  if (mustBeDocument) return openDocument(bytes, maxUnpackedBytes); // refuses it, naming what it is not
  const text = textOf(bytes);
  if (text === null) throw new UnsupportedFileError('文件既不是 Word（.docx）、Excel（.xlsx），也不是 UTF-8 文本');
  if (text.trim() === '') throw new EmptyUploadError('上传的文件是空的');
  return { format: 'text', text };
}

function textOf(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Multer hands the name as latin1; a name from a browser is UTF-8. Path parts are dropped. The same text policy as
 * every other field (a NUL in an RFC 5987 name reached PostgreSQL and was a 500): refused with VALIDATION_FAILED.
 */
function safeName(name: string | undefined): string | null {
  if (!name) return null;
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  const base = (decoded.includes('\uFFFD') ? name : decoded).split(/[\\/]/).pop()!.trim();
  if (base === '') return null;
  const errors: FieldError[] = [];
  // At most 255 characters, cut between characters (a cut surrogate pair would be refused as a broken one).
  const cleaned = cleanText([...base].slice(0, 255).join(''), 'file.name', errors) as string;
  if (errors.length > 0) throw new ValidationFailedError(errors);
  return cleaned.trim() === '' ? null : cleaned;
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
  if (name === null || name.length > 255) throw new ValidationFailedError([{ field: 'X-File-Name', messages: ['须为 URL 编码的文件名，最长 255 个字符'] }]);
  // Headers do not pass the validation pipe: the same text policy as every other field.
  const errors: FieldError[] = [];
  const cleaned = cleanText(name, 'X-File-Name', errors) as string;
  if (errors.length > 0) throw new ValidationFailedError(errors);
  return cleaned;
}
