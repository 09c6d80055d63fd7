import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { Directory, IDENTITY_ACCESS, IdentityError } from '#perf-eval/identity';
import { checkPassword } from '../auth/auth.controller.js';
import { LoginAttempts } from '../auth/login-attempts.js';
import { QUEUES, queueReady } from '#perf-eval/persistence';
import { UnauthenticatedError } from '../api.errors.js';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * The BullMQ dashboard for admins. A browser cannot send a bearer token on navigation, so the page
 * asks for an admin's username and password (HTTP Basic, checked against the directory).
 */
export function mountQueueDashboard(app: INestApplication): void {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  const queues = Object.values(QUEUES).map((name) => app.get<Queue>(getQueueToken(name)));
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter, options: { uiConfig: { boardTitle: '后台任务队列' } } });
  const directory = app.get(Directory);
  const attempts = app.get(LoginAttempts);
  const challenge = (res: Response, next: NextFunction) => {
    res.setHeader('WWW-Authenticate', 'Basic realm="perf-eval admin", charset="UTF-8"');
    next(new UnauthenticatedError('需要系统管理员账号'));
  };
  // Password guessing here counts against the same limits as the login (LoginAttempts).
  const adminsOnly = async (req: Request, res: Response, next: NextFunction) => {
    const credentials = basicCredentials(req.headers.authorization);
    if (!credentials) return challenge(res, next);
    try {
      const user = await checkPassword(attempts, directory, req.ip ?? 'unknown', credentials.username, credentials.password);
      if (IDENTITY_ACCESS.may(user, 'queues.view')) return next();
      challenge(res, next);
    } catch (error) {
      if (error instanceof IdentityError) return challenge(res, next);
      next(error);
    }
  };
  // The board's pages and API read the queues: 503 at once while Redis is away, never a page that hangs.
  const queuesUp = (_req: Request, _res: Response, next: NextFunction) => {
    Promise.all(queues.map(queueReady)).then(() => next(), next);
  };
  app.use(DASHBOARD_PATH, adminsOnly, queuesUp, adapter.getRouter());
}

/** `Basic base64(username:password)`; null for anything else, or for a NUL, which no account has and PostgreSQL cannot compare. */
function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const [scheme, encoded] = (header ?? '').split(' ');
  if (scheme !== 'Basic' || !encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0 || decoded.includes('\u0000')) return null;
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}
