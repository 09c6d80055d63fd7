import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisConnection } from '#perf-eval/persistence';
import { AppConfig } from '#perf-eval/config';

export const STREAM_TICKET_TTL_SECONDS = 60;

/**
 * One-time tickets that open a live stream. EventSource cannot send an Authorization header, and a JWT
 * in a URL would end up in logs and histories; a ticket is random, lives 60 s in Redis (under the
 * hash of its value) and is consumed by the first stream that presents it.
 */
@Injectable()
export class StreamTickets {
  constructor(
    private readonly redis: RedisConnection,
    private readonly config: AppConfig,
  ) {}

  /** A ticket for `userId`, whose token was issued under `tokenGeneration`: the stream ends when that generation does. */
  async issue(userId: string, tokenGeneration: number, now = new Date()): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = randomBytes(32).toString('base64url');
    await this.redis.run((client) => client.set(keyOf(this.config.queuePrefix, ticket), `${userId}:${tokenGeneration}`, 'EX', STREAM_TICKET_TTL_SECONDS));
    return { ticket, expiresAt: new Date(now.getTime() + STREAM_TICKET_TTL_SECONDS * 1000).toISOString() };
  }

  /** The user the ticket was issued to and the token generation, once; null for an unknown, expired or already used ticket. */
  async consume(ticket: string | undefined): Promise<{ userId: string; tokenGeneration: number } | null> {
    if (!ticket || !/^[A-Za-z0-9_-]{16,128}$/.test(ticket)) return null;
    const value = await this.redis.run((client) => client.getdel(keyOf(this.config.queuePrefix, ticket)));
    if (!value) return null;
    const [userId, generation] = value.split(':');
    return { userId, tokenGeneration: Number(generation ?? 0) };
  }
}

function keyOf(prefix: string, ticket: string): string {
  return `${prefix}:stream-ticket:${createHash('sha256').update(ticket).digest('hex')}`;
}
