import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BulkEvaluationCommand, type BulkInstruction, type BulkResults } from '#perf-eval/evaluation';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { CurrentUser } from '../auth/auth.decorators.js';
import { BulkApproveDto, BulkPublishDto, BulkResultsDto, BulkReturnDto, type BulkItemsDto } from './bulk-actions.dto.js';

const EACH_ITEM =
  '逐张按顺序执行与单独操作相同的命令与检查（权限、状态、不得审核本人填报或修改的表、版本号）：某张表被拒绝不影响其他表，' +
  '其结果为 {ok: false, code, message}，code 与单独操作时相同（他单位的表为 NOT_FOUND）。' +
  '用户的角色在任何单位都不能执行此操作时整体 403，不处理任何表。';

/**
 * `POST /evaluations/bulk/…`. Registered before EvaluationsController (app.module.ts): Express tries routes in
 * the order they were added, and `POST /evaluations/:id/approve` would otherwise take these with id "bulk".
 */
@ApiTags('evaluations 项目支出绩效自评表')
@ApiBearerAuth()
@Controller('evaluations/bulk')
export class BulkActionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('approve')
  @HttpCode(200)
  @ApiOperation({ summary: '批量审核通过', description: EACH_ITEM })
  @ApiOkResponse({ type: BulkResultsDto })
  approve(@CurrentUser() user: AuthenticatedUser, @Body() body: BulkApproveDto): Promise<BulkResults> {
    return this.run(user, { action: 'approve', comment: body.comment ?? null }, body);
  }

  @Post('return')
  @HttpCode(200)
  @ApiOperation({ summary: '批量退回', description: `${EACH_ITEM} comment（总体意见）与 comments 至少填写一项，否则整体 422 RETURN_COMMENT_REQUIRED。` })
  @ApiOkResponse({ type: BulkResultsDto })
  return(@CurrentUser() user: AuthenticatedUser, @Body() body: BulkReturnDto): Promise<BulkResults> {
    const comments = [
      ...(body.comment === undefined ? [] : [{ target: null, text: body.comment }]),
      ...(body.comments ?? []).map((c) => ({ target: c.target ?? null, text: c.text })),
    ];
    return this.run(user, { action: 'return', comments }, body);
  }

  @Post('publish')
  @HttpCode(200)
  @ApiOperation({ summary: '批量公开', description: EACH_ITEM })
  @ApiOkResponse({ type: BulkResultsDto })
  publish(@CurrentUser() user: AuthenticatedUser, @Body() body: BulkPublishDto): Promise<BulkResults> {
    return this.run(user, { action: 'publish' }, body);
  }

  private run(user: AuthenticatedUser, instruction: BulkInstruction, { items }: BulkItemsDto): Promise<BulkResults> {
    return this.commands.execute(new BulkEvaluationCommand(user, instruction, items.map(({ id, expectedVersion }) => ({ id, expectedVersion }))));
  }
}
