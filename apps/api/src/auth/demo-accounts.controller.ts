import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '#perf-eval/config';
import { demoAccountsHint } from '#perf-eval/identity';
import { Public } from './auth.decorators.js';

/** The sign-in page's hint about the demo accounts; empty where the demo is not seeded (SEED_DEMO=false). */
@ApiTags('auth 登录')
@Controller('auth')
export class DemoAccountsController {
  private readonly hint: ReturnType<typeof demoAccountsHint>;

  constructor(config: AppConfig) {
    this.hint = demoAccountsHint(config);
  }

  @Public()
  @Get('demo-accounts')
  @ApiOperation({ summary: '演示账号（未启用演示数据时为空）' })
  accounts() {
    return this.hint;
  }
}
