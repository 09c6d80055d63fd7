import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { vocabularyDocument } from './vocabulary.js';

/**
 * Labels and rule data change only with a deployment: cached by the browser, revalidated by ETag.
 * Public: nothing in it is secret, and the sign-in page names the roles with it.
 */
@ApiTags('vocabulary 词汇')
@Public()
@Controller('vocabulary')
export class VocabularyController {
  private readonly document = vocabularyDocument();

  @Get()
  @ApiOperation({ summary: '状态、角色、事件、通知类型、字段名称、评价方式、评分规则与问题代码（中文）' })
  get(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', this.document.etag);
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === this.document.etag)) {
      res.status(304).end();
      return;
    }
    res.status(200).type('application/json; charset=utf-8').send(this.document.body);
  }
}
