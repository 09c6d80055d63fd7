import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { AccountDisabledError } from '#perf-eval/identity';
import { StreamTicketInvalidError } from '../api.errors.js';
import { MyQueuesQuery, type QueueCounts } from '#perf-eval/evaluation';
import { CurrentUser, Public } from '../auth/auth.decorators.js';
import { CurrentUsers } from '../auth/current-users.js';
import { LiveHub } from './live-hub.js';
import { StreamTickets } from './stream-tickets.js';

export class StreamDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  ticket?: string;
}

@ApiTags('me 我的工作')
@Controller('me')
export class MeController {
  constructor(
    private readonly queries: QueryBus,
    private readonly tickets: StreamTickets,
    private readonly hub: LiveHub,
    private readonly users: CurrentUsers,
  ) {}

  @Get('queues')
  @ApiBearerAuth()
  @ApiOperation({ summary: '待我审核 / 待公开 / 逾期 / 我的草稿 / 被退回 的数量（无对应角色的为 0）' })
  queues(@CurrentUser() user: AuthenticatedUser): Promise<QueueCounts> {
    return this.queries.execute(new MyQueuesQuery(user));
  }

  @Post('stream-ticket')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiOperation({ summary: '一次性实时通道票据（60 秒内有效）：GET /api/me/stream?ticket=…' })
  async streamTicket(@CurrentUser() user: AuthenticatedUser): Promise<{ ticket: string; expiresAt: string }> {
    // The guard has just checked the token against this generation (cached, or read for this request).
    const session = await this.users.session(user.id);
    if (!session) throw new AccountDisabledError();
    return this.tickets.issue(user.id, session.tokenGeneration);
  }

  /** Server-sent events: `evaluation`, `notification`, `queues`. Authenticated by the one-time ticket only. */
  @Public()
  @Get('stream')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: '实时更新（text/event-stream）：evaluation、notification、queues 事件' })
  async stream(@Query() query: StreamDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const issued = await this.tickets.consume(query.ticket);
    if (!issued) {
      throw new StreamTicketInvalidError('实时通道票据无效、已过期或已使用，请重新获取');
    }
    const session = await this.users.session(issued.userId);
    if (!session) throw new AccountDisabledError();
    if (session.tokenGeneration !== issued.tokenGeneration) throw new StreamTicketInvalidError('登录凭据已失效，请重新登录');
    await this.hub.open(session.user, issued.tokenGeneration, req, res);
  }
}
