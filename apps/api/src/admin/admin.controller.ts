import { Controller, Get } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import { QUEUES, queueReady } from '#perf-eval/persistence';
import { Allowed } from '../auth/auth.decorators.js';
import { IDENTITY_ACCESS } from '#perf-eval/identity';

/** Jobs that ran out of retries stay visible here (and in the dashboard at /admin/queues). */
@ApiTags('admin 单位与用户')
@ApiBearerAuth()
@Controller('admin')
export class AdminController {
  private readonly queues: Queue[];

  constructor(
    @InjectQueue(QUEUES.evaluationEvents) events: Queue,
    @InjectQueue(QUEUES.scoring) scoring: Queue,
    @InjectQueue(QUEUES.reminders) reminders: Queue,
    @InjectQueue(QUEUES.deliveries) deliveries: Queue,
  ) {
    this.queues = [events, scoring, reminders, deliveries];
  }

  @Allowed(IDENTITY_ACCESS, 'queues.view')
  @Get('queues')
  async counts() {
    await this.ready();
    return Promise.all(this.queues.map(async (q) => ({ queue: q.name, counts: await q.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed') })));
  }

  @Allowed(IDENTITY_ACCESS, 'failed-jobs.view')
  @Get('failed-jobs')
  async failed() {
    await this.ready();
    const lists = await Promise.all(
      this.queues.map(async (q) =>
        (await q.getFailed(0, 199)).map((job) => ({
          queue: q.name,
          id: job.id,
          name: job.name,
          data: job.data,
          failedReason: job.failedReason,
          attemptsMade: job.attemptsMade,
          finishedOn: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
        })),
      ),
    );
    return lists.flat();
  }

  /** 503 at once while Redis is away, rather than a request waiting for it. */
  private async ready(): Promise<void> {
    await Promise.all(this.queues.map(queueReady));
  }
}
