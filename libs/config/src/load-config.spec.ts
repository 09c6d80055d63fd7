import { describe, expect, it } from '@jest/globals';
import { CONFIG_VARIABLES } from './config.declaration.js';
import { ConfigError, loadConfig } from './load-config.js';

/** The problems loadConfig reports for `env` (it must refuse it). */
function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('with nothing set', () => {
    it('takes the defaults a zero-configuration start runs with', () => {
      expect({ ...loadConfig({}) }).toEqual({
        port: 3000,
        host: '0.0.0.0',
        trustProxy: null,
        databaseUrl: 'postgres://postgres@127.0.0.1:5432/perf_eval',
        createDatabase: true,
        databasePoolSize: 20,
        redisUrl: 'redis://127.0.0.1:6379',
        redisCommandTimeoutMs: 2_000,
        queuePrefix: 'perf-eval',
        healthProbeMs: 5_000,
        jwtSecret: null,
        jwtTtl: '2h',
        authCacheMs: 30_000,
        authCacheMaxUsers: 10_000,
        demoPassword: 'demo1234',
        seedDemo: true,
        smtpUrl: null,
        snapshotCacheEntries: 2000,
        mailFrom: '绩效自评系统 <no-reply@perf-eval.local>',
        webhookUrl: null,
        webhookSecret: null,
        webhookTimeoutMs: 10_000,
        publicUrl: 'http://localhost:3000',
        reminderTickMs: 15_000,
        publishedBackfillDelayMs: 60_000,
        outboxPollMs: 10_000,
        outboxListenRetryMs: 500,
        countsFoldMs: null,
        eventsConcurrency: 16,
        scoringConcurrency: 16,
        deliveryConcurrency: 8,
        jobLockMs: 30_000,
        loginRateLimit: 20,
        loginClientRateLimit: 100,
        bcryptRounds: 10,
        bodyLimit: 1024 * 1024,
        importBodyLimit: 5 * 1024 * 1024,
        importMaxUnpackedBytes: 64 * 1024 * 1024,
        attachmentFileLimit: 20 * 1024 * 1024,
        attachmentFormLimit: 200 * 1024 * 1024,
        storageUrl: null,
        awsAccessKeyId: null,
        awsSecretAccessKey: null,
        awsSessionToken: null,
        awsRegion: null,
        apiHeapMb: 384,
        logLevel: 'info',
        logRequests: true,
        streamHeartbeatMs: 15_000,
        streamQueuesDebounceMs: 300,
        shutdownTimeoutMs: 8_000,
      });
    });

    it('counts an empty or blank value as unset', () => {
      expect(loadConfig({ DATABASE_POOL_SIZE: '', SMTP_URL: '  ', SEED_DEMO: '' })).toMatchObject({ databasePoolSize: 20, smtpUrl: null, seedDemo: true });
    });

    it('derives LOGIN_CLIENT_RATE_LIMIT from LOGIN_RATE_LIMIT and PUBLIC_URL from PORT', () => {
      expect(loadConfig({ LOGIN_RATE_LIMIT: '7', PORT: '8080' })).toMatchObject({ loginClientRateLimit: 35, publicUrl: 'http://localhost:8080' });
      expect(loadConfig({ LOGIN_RATE_LIMIT: '7', LOGIN_CLIENT_RATE_LIMIT: '9' })).toMatchObject({ loginClientRateLimit: 9 });
    });

    it('is frozen', () => {
      expect(Object.isFrozen(loadConfig({}))).toBe(true);
    });
  });

  describe('with values set', () => {
    it('reads each kind of value', () => {
      expect(
        loadConfig({
          PORT: ' 8080 ',
          COUNTS_FOLD_MS: '0',
          AUTH_CACHE_MS: '0',
          SEED_DEMO: 'false',
          LOG_REQUESTS: 'true',
          LOG_LEVEL: 'warn',
          BODY_LIMIT: '800kb',
          IMPORT_BODY_LIMIT: '1048576',
          JWT_TTL: '30 minutes',
          TRUST_PROXY: 'loopback, 10.0.0.0/8, 192.168.1.2, ::1/128',
          REDIS_URL: 'rediss://:secret@cache.internal:6380/2',
          WEBHOOK_URL: ' https://hooks.example.cn/x ',
          WEBHOOK_SECRET: 's',
          QUEUE_PREFIX: '{pe_test_1}',
        }),
      ).toMatchObject({
        port: 8080,
        countsFoldMs: 0,
        authCacheMs: 0,
        seedDemo: false,
        logRequests: true,
        logLevel: 'warn',
        bodyLimit: 800 * 1024,
        importBodyLimit: 1024 * 1024,
        jwtTtl: '30 minutes',
        trustProxy: 'loopback, 10.0.0.0/8, 192.168.1.2, ::1/128',
        redisUrl: 'rediss://:secret@cache.internal:6380/2',
        webhookUrl: 'https://hooks.example.cn/x',
        queuePrefix: '{pe_test_1}',
      });
    });

    it('reads an S3-compatible bucket from STORAGE_URL, with its options and credentials', () => {
      expect(loadConfig({ STORAGE_URL: 's3://evidence/perf-eval/prod?endpoint=http://127.0.0.1:9000&region=cn-north-1&forcePathStyle=true' }).storageUrl).toEqual({
        bucket: 'evidence',
        prefix: 'perf-eval/prod/',
        endpoint: 'http://127.0.0.1:9000',
        region: 'cn-north-1',
        forcePathStyle: true,
        accessKeyId: null,
        secretAccessKey: null,
      });
      expect(loadConfig({ STORAGE_URL: 's3://AKID:s%2Fcret@evidence' }).storageUrl).toEqual({
        bucket: 'evidence',
        prefix: '',
        endpoint: null,
        region: null,
        forcePathStyle: false,
        accessKeyId: 'AKID',
        secretAccessKey: 's/cret',
      });
    });

    it('takes what the tests and the benchmark start the processes with', () => {
      expect(() =>
        loadConfig({ LOGIN_RATE_LIMIT: '100000', BCRYPT_ROUNDS: '4', JOB_LOCK_MS: '2000', REMINDER_TICK_MS: '300', OUTBOX_POLL_MS: '600000', WEBHOOK_TIMEOUT_MS: '120000', STREAM_HEARTBEAT_MS: '500', IMPORT_BODY_LIMIT: '20mb', TRUST_PROXY: 'loopback' }),
      ).not.toThrow();
    });
  });

  describe('with bad values', () => {
    it.each([
      ['an integer that is not a number', { DATABASE_POOL_SIZE: 'abc' }, 'DATABASE_POOL_SIZE="abc": 不是整数 not a whole number (expected an integer 1–1000)'],
      ['a fraction where an integer belongs', { EVENTS_CONCURRENCY: '2.5' }, 'EVENTS_CONCURRENCY="2.5": 不是整数 not a whole number'],
      ['an exponent where an integer belongs', { REMINDER_TICK_MS: '1e3' }, 'REMINDER_TICK_MS="1e3": 不是整数 not a whole number'],
      ['an integer out of its range', { BCRYPT_ROUNDS: '3' }, 'BCRYPT_ROUNDS="3": 超出范围 out of range (expected an integer 4–20)'],
      ['a flag that is neither true nor false', { SEED_DEMO: 'FALSE' }, 'SEED_DEMO="FALSE": 须为 true 或 false (expected true or false)'],
      ['a value not in the list', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL="verbose": 不是可选值 not one of fatal, error, warn, info, debug, trace, silent'],
      ['a URL that does not parse', { PUBLIC_URL: 'example.cn' }, 'PUBLIC_URL="example.cn": 不是有效的 URL not a valid URL'],
      ['a URL of another scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL: 协议不符 wrong scheme http:// (expected redis:// or rediss://)'],
      ['a size that is not one', { BODY_LIMIT: 'big' }, 'BODY_LIMIT="big": 不是大小 not a size'],
      ['a size out of its range', { IMPORT_BODY_LIMIT: '2gb' }, 'IMPORT_BODY_LIMIT="2gb": 超出范围 out of range (expected 1kb–1gb)'],
      ['a lifetime without its unit', { JWT_TTL: '3600' }, 'JWT_TTL="3600": 不是带单位的时长 not a duration with its unit'],
      ['a lifetime of nothing', { JWT_TTL: '0h' }, 'JWT_TTL="0h": 时长须大于 0 must be longer than 0'],
      ['a proxy that is no address', { TRUST_PROXY: 'loopback, proxy.local' }, 'TRUST_PROXY="loopback, proxy.local": 不是地址或子网 not an address or subnet: "proxy.local"'],
      ['a subnet with an impossible prefix', { TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY="10.0.0.0/33": 不是地址或子网 not an address or subnet: "10.0.0.0/33"'],
      ['text of the wrong form', { QUEUE_PREFIX: 'perf eval' }, 'QUEUE_PREFIX="perf eval": 格式不符 malformed'],
      ['storage of another scheme', { STORAGE_URL: 'https://evidence.example.cn/x' }, 'STORAGE_URL: 协议不符 wrong scheme https:// (expected s3://)'],
      ['storage without a bucket name', { STORAGE_URL: 's3://Evidence_1/x' }, 'STORAGE_URL: 桶名无效 not a bucket name'],
      ['storage with an unknown option', { STORAGE_URL: 's3://evidence?endpoint=http://minio:9000&pathStyle=true' }, 'STORAGE_URL: 未知参数 unknown option pathStyle'],
      ['storage with an endpoint that is no http URL', { STORAGE_URL: 's3://evidence?endpoint=minio:9000' }, 'STORAGE_URL: endpoint 须为 http(s) URL'],
      ['storage with half its credentials', { STORAGE_URL: 's3://AKID@evidence' }, 'STORAGE_URL: 凭据不完整 credentials need both parts'],
      ['a webhook without its secret', { WEBHOOK_URL: 'https://hooks.example.cn/x' }, 'WEBHOOK_SECRET: 设置了 WEBHOOK_URL 时必填 required when WEBHOOK_URL is set'],
    ])('refuses %s, naming the variable and what is wrong', (_kind, env, message) => {
      const problems = problemsOf(env);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.variable).toBe(message.split(/[=:]/)[0]);
      expect(problems[0]!.message).toContain(message);
    });

    it('names every bad variable at once, in one message', () => {
      let error: unknown;
      try {
        loadConfig({ PORT: '0', LOG_REQUESTS: 'no', SCORING_CONCURRENCY: 'many' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['PORT', 'SCORING_CONCURRENCY', 'LOG_REQUESTS']);
      expect((error as ConfigError).message).toBe(
        [
          '配置无效，进程未启动 invalid configuration, not started:',
          '  PORT="0": 超出范围 out of range (expected an integer 1–65535)',
          '  SCORING_CONCURRENCY="many": 不是整数 not a whole number (expected an integer 1–1000)',
          '  LOG_REQUESTS="no": 须为 true 或 false (expected true or false)',
        ].join('\n'),
      );
    });

    it('never repeats the value of a secret or of a URL that may carry a password', () => {
      const [problem] = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db.internal/perf' });
      expect(problem!.message).toBe('DATABASE_URL: 协议不符 wrong scheme mysql:// (expected postgres:// or postgresql://)');
      expect(problem!.message).not.toContain('hunter2');
    });
  });

  it('declares each variable once', () => {
    const names = Object.values(CONFIG_VARIABLES).map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
