import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { Directory } from '../../../../libs/identity/src/directory.js';
import { QUEUES } from '../../../../libs/persistence/src/queues.js';

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
  const failures = new Map<string, { count: number; until: number }>();
  const limit = Number(process.env.LOGIN_RATE_LIMIT ?? 20);
  const adminsOnly = async (req: Request, res: Response, next: NextFunction) => {
    // Password guessing here is throttled like the login: failures per client per minute.
    const client = req.ip ?? 'unknown';
    const seen = failures.get(client);
    if (seen && seen.until > Date.now() && seen.count >= limit) {
      res.status(429).json({ statusCode: 429, code: 'TOO_MANY_REQUESTS', message: '请求过于频繁，请稍后再试' });
      return;
    }
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    if (scheme === 'Basic' && encoded) {
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      try {
        const user = await directory.verifyCredentials(decoded.slice(0, separator), decoded.slice(separator + 1));
        if (user.roles.includes('admin')) return next();
      } catch {
        // falls through to the challenge
      }
    }
    if (scheme === 'Basic') {
      const current = seen && seen.until > Date.now() ? seen : { count: 0, until: Date.now() + 60_000 };
      failures.set(client, { count: current.count + 1, until: current.until });
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="perf-eval admin", charset="UTF-8"');
    res.status(401).json({ statusCode: 401, code: 'UNAUTHENTICATED', message: '需要系统管理员账号' });
  };
  app.use(DASHBOARD_PATH, adminsOnly, adapter.getRouter());
}
