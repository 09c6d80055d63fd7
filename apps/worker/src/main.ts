import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { processConfigOrExit } from '#perf-eval/config';
import { WorkerModule } from './worker.module.js';

/** The workers: outbox relay, scoring, reminders and deliveries. SIGTERM lets in-flight jobs finish. */
async function bootstrap(): Promise<void> {
  const { shutdownTimeoutMs } = processConfigOrExit();
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const logger = app.get(Logger);
  // SIGTERM: stop taking jobs, let the ones in flight finish, close connections, then exit 0. A job still
  // running after SHUTDOWN_TIMEOUT_MS (a webhook that does not answer) is left to its lock: another worker
  // retries it once the lock expires (JOB_LOCK_MS); deliveries are re-sent under the same id.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: finishing the jobs in flight`);
      setTimeout(() => {
        logger.warn(`jobs still running after ${shutdownTimeoutMs} ms: exiting; another worker retries them when their lock expires`);
        process.exit(1);
      }, shutdownTimeoutMs).unref();
      app.close().then(
        () => process.exit(0),
        (error: Error) => {
          logger.error(`shutdown failed: ${error.message}`);
          process.exit(1);
        },
      );
    });
  }
  logger.log('worker started');
}

void bootstrap();
