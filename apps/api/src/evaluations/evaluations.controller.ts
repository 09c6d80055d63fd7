import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { formWorkbook, formDocx, formPdf, type FormPaper, FormPaperQuery } from '#perf-eval/reporting';
import {
  CreateEvaluationCommand,
  CopyEvaluationCommand,
  EditEvaluationCommand,
  SubmitEvaluationCommand,
  ApproveEvaluationCommand,
  ReturnEvaluationCommand,
  PublishEvaluationCommand,
  ReopenEvaluationCommand,
  WithdrawEvaluationCommand,
  DiscardEvaluationCommand,
  ClaimReviewCommand,
  StepReviewersQuery,
  GetEvaluationQuery,
  ListEvaluationsQuery,
  EvaluationHistoryQuery,
  EvaluationChangesQuery,
  ResolveCommentCommand,
} from '#perf-eval/evaluation';
import { attachment } from '../reporting/reporting.controller.js';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { CurrentUser } from '../auth/auth.decorators.js';
import { EvaluationFormDto, UpdateEvaluationDto, toEditableForm, toForm } from './evaluation-form.dto.js';
import { ApproveDto, CopyDto, DiscardDto, ReassignDto, ReopenDto, ReturnDto, TransitionDto, WithdrawDto, type VerifiedScoreDto } from './workflow.dto.js';
import { ListEvaluationsDto, RevisionQueryDto } from './list-evaluations.dto.js';
import { DiscardedEvaluationDto, EvaluationRefDto } from './evaluation-ref.dto.js';
import { HistoryQueryDto } from './history.dto.js';
import { ChangesQueryDto, EvaluationChangesDto } from './changes.dto.js';
import { ValidationFailedError } from '../api.errors.js';

@ApiTags('evaluations 项目支出绩效自评表')
@ApiBearerAuth()
@Controller('evaluations')
export class EvaluationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: EvaluationRefDto, description: '新建的草稿，及其得分与审核发现（已计算，无需等待）' })
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: EvaluationFormDto) {
    return this.commands.execute(new CreateEvaluationCommand(user, toForm(body)));
  }

  @Get()
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListEvaluationsDto) {
    const { page = 1, pageSize = 20, ...filter } = query;
    return this.queries.execute(new ListEvaluationsQuery(user, { ...filter, page, pageSize }));
  }

  @Get(':id')
  get(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: RevisionQueryDto) {
    return this.queries.execute(new GetEvaluationQuery(id, user, query.revision));
  }

  /** 自评表 in the paper layout; figures computed from the exported form itself, so they always match it. */
  @Get(':id/form.xlsx')
  async formXlsx(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: RevisionQueryDto, @Res({ passthrough: true }) res: Response) {
    const { form, scores, findings, status, revision, unitName }: FormPaper = await this.queries.execute(new FormPaperQuery(id, user, query.revision));
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', attachment(`${form.projectName || '自评表'}-项目支出绩效自评表.xlsx`));
    return new StreamableFile(await formWorkbook({ form, scores, findings, status, revision, unitName }));
  }

  /** 自评表 as a Word file in the official layout (A4), figures computed from the exported form itself. */
  @Get(':id/form.docx')
  async formDocx(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: RevisionQueryDto, @Res({ passthrough: true }) res: Response) {
    const input = await this.documentInput(user, id, query.revision);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    res.setHeader('Content-Disposition', attachment(`${input.form.projectName || '自评表'}-项目支出绩效自评表.docx`));
    return new StreamableFile(await formDocx(input));
  }

  /** 自评表 as a PDF (A4) with an embedded CJK font: real, searchable text. */
  @Get(':id/form.pdf')
  async formPdf(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: RevisionQueryDto, @Res({ passthrough: true }) res: Response) {
    const input = await this.documentInput(user, id, query.revision);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', attachment(`${input.form.projectName || '自评表'}-项目支出绩效自评表.pdf`));
    return new StreamableFile(await formPdf(input));
  }

  private async documentInput(user: AuthenticatedUser, id: string, revision?: number) {
    const { form, scores, unitName, filledAt, ruleSet }: FormPaper = await this.queries.execute(new FormPaperQuery(id, user, revision));
    return { form, scores, unitName, filledAt, ruleSet };
  }

  @Get(':id/history')
  history(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: HistoryQueryDto) {
    return this.queries.execute(new EvaluationHistoryQuery(id, user, { types: query.types, withForms: query.forms }));
  }

  /** 自上次审核以来的修改: fields, rows and attachments changed since a version, and how each return comment was followed up. */
  @Get(':id/changes')
  @ApiOkResponse({ type: EvaluationChangesDto, description: '自 fromVersion 至当前版本的修改；404 NO_PREVIOUS_REVIEW：sinceMyLastReview 而您未审核过此表' })
  changes(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: ChangesQueryDto) {
    const mine = query.sinceMyLastReview === true;
    if ((query.since === undefined) === !mine) {
      const message = '须且只能给出 since（版本号）或 sinceMyLastReview=true 之一';
      throw new ValidationFailedError([{ field: 'since', messages: [message] }, { field: 'sinceMyLastReview', messages: [message] }]);
    }
    return this.queries.execute(new EvaluationChangesQuery(id, user, mine ? { myLastReview: true } : { version: query.since! }));
  }

  /** 标记为已解决: a return comment of the revision under review, on the resubmitted form. */
  @Post(':id/comments/:commentId/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '操作后的版本（意见已解决时不再记录，原样返回）；404 COMMENT_NOT_FOUND：当前一版没有这条退回意见' })
  resolveComment(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Param('commentId') commentId: string, @Body() body: TransitionDto) {
    return this.commands.execute(new ResolveCommentCommand(id, user, body.expectedVersion, commentId));
  }

  @Put(':id')
  @ApiOkResponse({ type: EvaluationRefDto, description: '修改后的版本，及修改后表单的得分与审核发现（已计算，无需等待）' })
  update(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: UpdateEvaluationDto) {
    return this.commands.execute(new EditEvaluationCommand(id, user, body.expectedVersion, toEditableForm(body)));
  }

  /** 开始新年度: a new Draft for `fiscalYear` from this form (targets kept; funds, actual values and scores cleared). */
  @Post(':id/copy')
  @ApiCreatedResponse({ type: EvaluationRefDto, description: '新年度的草稿，及其得分与审核发现；其历史记录注明复制自哪张表' })
  copy(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: CopyDto) {
    return this.commands.execute(new CopyEvaluationCommand(user, id, body.fiscalYear));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '操作后的状态与版本，及当前表单的得分与审核发现' })
  submit(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: TransitionDto) {
    return this.commands.execute(new SubmitEvaluationCommand(id, user, body.expectedVersion));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '操作后的状态与版本，及当前表单的得分与审核发现' })
  approve(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: ApproveDto) {
    return this.commands.execute(new ApproveEvaluationCommand(id, user, body.expectedVersion, body.comment ?? null, verifiedScores(body.verifiedScores)));
  }

  @Post(':id/return')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '操作后的状态与版本，及当前表单的得分与审核发现' })
  return(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: ReturnDto) {
    const comments = body.comments.map((c) => ({ target: c.target ?? null, text: c.text }));
    return this.commands.execute(new ReturnEvaluationCommand(id, user, body.expectedVersion, comments, verifiedScores(body.verifiedScores)));
  }

  /** 撤回: the drafter who submitted takes the form back to Draft, before any review step approved it. */
  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '撤回后的状态（草稿）与版本' })
  withdraw(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: WithdrawDto) {
    return this.commands.execute(new WithdrawEvaluationCommand(id, user, body.expectedVersion, body.reason ?? null));
  }

  /** 删除草稿: a drafter of the unit discards a Draft never published; its history stays, every list drops it. */
  @Post(':id/discard')
  @HttpCode(200)
  @ApiOkResponse({ type: DiscardedEvaluationDto, description: '已删除的草稿及其删除事件的版本号' })
  discard(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: DiscardDto) {
    return this.commands.execute(new DiscardEvaluationCommand(id, user, body.expectedVersion, body.reason ?? null));
  }

  /** 认领: a reviewer of the current step takes its review on; others see who has it. */
  @Post(':id/claim')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '认领后的版本' })
  claim(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: TransitionDto) {
    return this.commands.execute(new ClaimReviewCommand(id, user, body.expectedVersion));
  }

  /** Whom a manager may hand the current step's review to: the step's reviewers but the form's authors and earlier approvers. */
  @Get(':id/reviewers')
  reviewers(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    return this.queries.execute(new StepReviewersQuery(id, user));
  }

  /** 改派: a manager hands the current step's review to another reviewer of that step. */
  @Post(':id/reassign')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '改派后的版本' })
  reassign(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: ReassignDto) {
    return this.commands.execute(new ClaimReviewCommand(id, user, body.expectedVersion, body.userId));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '操作后的状态与版本，及当前表单的得分与审核发现' })
  publish(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: TransitionDto) {
    return this.commands.execute(new PublishEvaluationCommand(id, user, body.expectedVersion));
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationRefDto, description: '操作后的状态与版本，及当前表单的得分与审核发现' })
  reopen(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() body: ReopenDto) {
    return this.commands.execute(new ReopenEvaluationCommand(id, user, body.expectedVersion, body.reason ?? null));
  }
}

function verifiedScores(rows: VerifiedScoreDto[] | undefined) {
  return (rows ?? []).map((r) => ({ row: r.row, score: r.score, reason: r.reason ?? null }));
}
