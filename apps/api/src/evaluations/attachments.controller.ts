import {
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  Injectable,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { AppConfig } from '#perf-eval/config';
import type { AuthenticatedUser } from '#perf-eval/identity';
import {
  ATTACHMENT_CONTENT_TYPES,
  AddAttachmentCommand,
  AttachmentFileQuery,
  AttachmentTooLargeError,
  ListAttachmentsQuery,
  RemoveAttachmentCommand,
  type AddedAttachment,
  type AttachmentFile,
  type AttachmentView,
} from '#perf-eval/evaluation';
import { CurrentUser } from '../auth/auth.decorators.js';
import { attachment } from '../reporting/reporting.controller.js';
import { cleanText, type FieldError } from '../text-input.js';
import { ValidationFailedError } from '../api.errors.js';

export class AttachmentTargetDto {
  @ApiPropertyOptional({ description: '佐证材料所属的字段或指标行，如 "indicators[2]"、"funds.total.executed"（与审核意见的 target 相同）；不填为整张表' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  target?: string;
}

/** Swagger shape of an attachment (documentation only). */
export class AttachmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: '2021年度活动照片.png', description: '上传时的文件名（UTF-8，去掉路径）' })
  fileName: string;

  @ApiProperty({ example: 482133, description: '字节数' })
  size: number;

  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', description: '内容的 SHA-256（十六进制）' })
  sha256: string;

  @ApiProperty({ enum: Object.keys(ATTACHMENT_CONTENT_TYPES), description: '按文件内容判断的类型' })
  contentType: string;

  @ApiProperty({ type: String, nullable: true, example: 'indicators[2]', description: '所属字段或指标行；null 为整张表' })
  target: string | null;

  @ApiProperty({ format: 'uuid' })
  uploadedBy: string;

  @ApiProperty({ format: 'date-time' })
  uploadedAt: string;
}

export class AddedAttachmentDto extends AttachmentDto {
  @ApiProperty({ example: 5, description: '上传后表单的版本号（编辑中的页面据此继续保存）' })
  version: number;
}

export class AttachmentViewDto extends AttachmentDto {
  @ApiProperty({ type: String, nullable: true, example: '绩效指标第 3 行', description: '所属位置的中文名称' })
  place: string | null;

  @ApiProperty({ type: String, nullable: true, example: '张三', description: '上传人姓名' })
  uploaderName: string | null;
}

interface UploadedFileOfMulter {
  buffer: Buffer;
  originalname: string;
  size: number;
}

/**
 * Reads the multipart upload (field `file`, one file) with Multer, its size limit ATTACHMENT_FILE_LIMIT: a larger
 * file is refused as soon as the limit is passed, with the evidence's own code (413 ATTACHMENT_TOO_LARGE) rather
 * than the body parsers' PAYLOAD_TOO_LARGE; another file field or a second file is a bad field (400). Part headers
 * are read as UTF-8, as browsers send them (Multer's default is latin1).
 */
@Injectable()
export class EvidenceUploadInterceptor implements NestInterceptor {
  private readonly multer: NestInterceptor;

  constructor(private readonly config: AppConfig) {
    const Multer = FileInterceptor('file', { defParamCharset: 'utf8', limits: { fileSize: config.attachmentFileLimit, files: 1, fields: 10, parts: 12 } });
    this.multer = new Multer();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multer.intercept(context, next);
    } catch (error) {
      // Nest keeps Multer's own error as the cause: its code says what happened, its field where.
      const { code, field } = ((error instanceof HttpException ? error.cause : undefined) ?? {}) as { code?: unknown; field?: unknown };
      switch (code) {
        case 'LIMIT_FILE_SIZE':
          throw new AttachmentTooLargeError(this.config.attachmentFileLimit);
        case 'LIMIT_FILE_COUNT':
          throw new ValidationFailedError([{ field: 'file', messages: ['只能上传一个文件'] }]);
        case 'LIMIT_UNEXPECTED_FILE':
          throw new ValidationFailedError([{ field: typeof field === 'string' && field !== '' ? field : 'file', messages: ['文件须放在表单字段 file 中'] }]);
        default:
          throw error;
      }
    }
  }
}

/** 佐证材料: evidence files of a form, read as the form is read, added and removed by its drafters while it is a Draft. */
@ApiTags('evaluations 项目支出绩效自评表')
@ApiBearerAuth()
@Controller('evaluations/:id/attachments')
export class AttachmentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @UseInterceptors(EvidenceUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'PDF、JPEG、PNG、Word（.docx）或 Excel（.xlsx），按内容判断' } } } })
  @ApiCreatedResponse({ type: AddedAttachmentDto, description: '已上传的佐证材料及表单的新版本号' })
  add(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: AttachmentTargetDto, @Req() req: Request & { file?: UploadedFileOfMulter }): Promise<AddedAttachment> {
    const errors: FieldError[] = [];
    // Multer leaves the multipart text fields in the body; the upload has none.
    for (const field of Object.keys((req.body as object | undefined) ?? {})) errors.push({ field, messages: ['不允许的字段'] });
    const file = req.file;
    if (!file) errors.push({ field: 'file', messages: ['请在表单字段 file 中上传一个文件'] });
    const fileName = file ? (cleanText(file.originalname, 'file.name', errors) as string) : '';
    if (errors.length > 0 || !file) throw new ValidationFailedError(errors);
    return this.commands.execute(new AddAttachmentCommand(id, user, query.target || null, { fileName, bytes: file.buffer }));
  }

  @Get()
  @ApiOkResponse({ type: [AttachmentViewDto], description: '当前的佐证材料，按上传顺序' })
  list(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<AttachmentView[]> {
    return this.queries.execute(new ListAttachmentsQuery(id, user));
  }

  @Get(':attachmentId')
  @ApiOkResponse({ description: '文件内容（与上传时逐字节相同），Content-Disposition 带 UTF-8 文件名' })
  async file(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Param('attachmentId') attachmentId: string, @Res({ passthrough: true }) res: Response) {
    const { attachment: meta, bytes }: AttachmentFile = await this.queries.execute(new AttachmentFileQuery(id, attachmentId, user));
    res.setHeader('Content-Type', meta.contentType);
    res.setHeader('Content-Disposition', attachment(meta.fileName));
    res.setHeader('Cache-Control', 'private, no-cache');
    return new StreamableFile(bytes);
  }

  @Delete(':attachmentId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: '已删除（草稿中）；文件仍保留在操作记录中' })
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Param('attachmentId') attachmentId: string): Promise<void> {
    await this.commands.execute(new RemoveAttachmentCommand(id, user, attachmentId));
  }
}
