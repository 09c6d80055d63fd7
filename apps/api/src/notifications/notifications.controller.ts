import { isUuid } from '#perf-eval/persistence';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { InboxQuery } from '#perf-eval/notifications';
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
    private readonly dataSource: DataSource,
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
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [{ id: string; read_at: Date }[], number] = isUuid(id)
      ? await this.dataSource.query(
          `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND recipient_id = $2 RETURNING id, read_at`,
          [id, user.id],
        )
      : [[], 0];
    if (!rows[0]) throw new NotFoundError(`通知不存在：${id}`);
    return { id, readAt: new Date(rows[0].read_at).toISOString() };
  }
}
