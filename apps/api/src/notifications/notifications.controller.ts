import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { InboxQuery, MarkNotificationReadCommand } from '#perf-eval/notifications';
import { Allowed, CurrentUser } from '../auth/auth.decorators.js';
import { NotFoundError } from '../api.errors.js';
import { NOTIFICATIONS_ACCESS } from '#perf-eval/notifications';

export class InboxDto {
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  unread?: boolean;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

@ApiTags('notifications 通知')
@ApiBearerAuth()
@Controller('me/notifications')
export class NotificationsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Allowed(NOTIFICATIONS_ACCESS, 'inbox.read')
  @Get()
  inbox(@CurrentUser() user: AuthenticatedUser, @Query() query: InboxDto) {
    return this.queries.execute(new InboxQuery(user, query.unread ?? false, query.limit ?? 100));
  }

  @Allowed(NOTIFICATIONS_ACCESS, 'inbox.mark-read')
  @Post(':id/read')
  @HttpCode(200)
  async read(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    const read = await this.commands.execute(new MarkNotificationReadCommand(user.id, id));
    if (!read) throw new NotFoundError(`通知不存在：${id}`);
    return read;
  }
}
