import { Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config.js';
import { processConfig } from './process-config.js';

/** Global: every provider of the app that imports it can take `AppConfig` in its constructor. */
@Global()
@Module({ providers: [{ provide: AppConfig, useFactory: processConfig }], exports: [AppConfig] })
export class AppConfigModule {}
