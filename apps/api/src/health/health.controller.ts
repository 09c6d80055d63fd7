import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { ServiceDegradedError } from '../api.errors.js';
import { RETRY_AFTER_SECONDS } from '#perf-eval/persistence';
import { DependencyMonitor, type DependencyName, type HealthReport } from './dependency-monitor.js';

const LABELS: Record<DependencyName, string> = { database: 'PostgreSQL 数据库', redis: 'Redis', worker: '后台任务进程' };

/**
 * 200 with every dependency up; otherwise 503 DEPENDENCY_UNAVAILABLE naming which is down and since when.
 * Unauthenticated, so it says nothing an outsider should not know: no addresses, URLs or credentials.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly monitor: DependencyMonitor) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  async check(): Promise<HealthReport> {
    const report = await this.monitor.check();
    if (report.status === 'up') return report;
    const down = (Object.entries(report.dependencies) as [DependencyName, HealthReport['dependencies'][DependencyName]][]).filter(([, d]) => d.status !== 'up');
    const words = down.map(([name, d]) => (d.status === 'unknown' ? `${LABELS[name]}状态未知` : `${LABELS[name]}自 ${beijingTime(d.since)}起不可用`));
    throw new ServiceDegradedError(`服务暂不可用：${words.join('；')}`, { ...report, down: down.map(([name]) => name), retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
}

function beijingTime(iso: string | null): string {
  if (!iso) return '（时间未知）';
  return `${new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')}（北京时间）`;
}
