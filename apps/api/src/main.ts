import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import path from 'node:path';
import express from 'express';
import { processConfigOrExit } from '#perf-eval/config';
import { AppModule } from './app.module.js';
import { mountQueueDashboard } from './admin/queue-dashboard.js';
import { securityHeaders, trustProxySetting } from './security-headers.js';
import { refuseDeepJson, requireKnownMediaType } from './request-body.js';
import { closeGracefullyOnSignals } from './graceful-shutdown.js';
import { LiveHub } from './live/live-hub.js';
import { answerClientErrors } from './client-errors.js';

const WEB_ROOT = path.resolve(import.meta.dirname, '../../../../apps/web/public');

async function bootstrap(): Promise<void> {
  const config = processConfigOrExit();
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // req.secure, req.ip and the login throttle read X-Forwarded-* only behind a proxy named by TRUST_PROXY.
  app.set('trust proxy', trustProxySetting(config.trustProxy));
  app.use(requireKnownMediaType);
  // express.json itself: Nest's useBodyParser keeps `verify` for its rawBody option.
  app.use(express.json({ limit: config.bodyLimit, verify: refuseDeepJson }));
  app.useBodyParser('text', { limit: config.importBodyLimit });
  // Word and Excel files posted as themselves (POST /api/imports/self-evaluations); multipart uploads are read by Multer on that route.
  app.useBodyParser('raw', { limit: config.importBodyLimit, type: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] });
  // The dashboard ships its own inline scripts: mounted before helmet's strict CSP.
  mountQueueDashboard(app);
  app.use(securityHeaders());
  // The web app's files; API paths skip the file-system look-up.
  const web = express.static(WEB_ROOT, { index: 'index.html', maxAge: '1h' });
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => (req.path.startsWith('/api/') ? next() : web(req, res, next)));
  app.setGlobalPrefix('api');
  const docs = new DocumentBuilder()
    .setTitle('项目支出绩效自评 API')
    .setDescription('填报、审核、公开项目支出绩效自评表（Draft → Submitted → Reviewed → Published）')
    .setVersion('0.1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, docs));
  const port = config.port;
  answerClientErrors(app.getHttpServer());
  await app.listen(port, config.host);
  closeGracefullyOnSignals(app, app.get(Logger), () => app.get(LiveHub).endStreams(), config.shutdownTimeoutMs);
  app.get(Logger).log(`API listening on http://localhost:${port}/api (docs: /api/docs)`);
}

void bootstrap();
