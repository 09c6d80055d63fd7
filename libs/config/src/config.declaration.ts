import { duration, flag, integer, oneOf, optionalInteger, optionalText, optionalUrl, size, text, trustedProxies, url, type ConfigVariable } from './config-variable.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Every environment variable the API, the worker and the CLI read: name, type, default, range or format, and what
 * it does. The README's configuration table is rendered from this (`npm run config:table`), and a test fails when
 * the two differ. An empty (or blank) value counts as unset. The defaults are what a zero-configuration `npm start` needs.
 */
export const CONFIG_VARIABLES = {
  port: integer({ name: 'PORT', default: 3000, min: 1, max: 65_535, zh: 'API 与网页端口', en: 'port of the API and the web app' }),
  host: text({ name: 'HOST', default: '0.0.0.0', format: 'address or host name', pattern: /^\S+$/, zh: 'API 监听的地址', en: 'address the API listens on' }),
  trustProxy: trustedProxies({
    name: 'TRUST_PROXY',
    unset: 'off',
    zh: '反向代理之后：信任哪些代理的 X-Forwarded-For/-Proto',
    en: 'behind a reverse proxy: which hops to trust for X-Forwarded-For/-Proto',
  }),
  databaseUrl: url({ name: 'DATABASE_URL', default: 'postgres://postgres@127.0.0.1:5432/perf_eval', protocols: ['postgres', 'postgresql'], secret: true, zh: 'PostgreSQL 数据库', en: 'the PostgreSQL database' }),
  createDatabase: flag({ name: 'CREATE_DATABASE', default: true, zh: '数据库不存在时创建', en: 'create the database when it is missing' }),
  databasePoolSize: integer({ name: 'DATABASE_POOL_SIZE', default: 20, min: 1, max: 1_000, zh: '每个进程的数据库连接数', en: 'database connections per process' }),
  redisUrl: url({ name: 'REDIS_URL', default: 'redis://127.0.0.1:6379', protocols: ['redis', 'rediss'], zh: 'Redis：任务队列、心跳、登录计数、实时流票据', en: 'Redis: BullMQ queues, worker heartbeat, sign-in attempt counts, stream tickets' }),
  redisCommandTimeoutMs: integer({
    name: 'REDIS_COMMAND_TIMEOUT_MS',
    default: 2_000,
    min: 1,
    max: 10 * MINUTE,
    zh: '请求中的 Redis 命令超时即失败（503）',
    en: "a request's Redis command not answered by then fails (503), as do commands while Redis is disconnected",
  }),
  queuePrefix: text({
    name: 'QUEUE_PREFIX',
    default: 'perf-eval',
    format: 'letters, digits and `_ - . : { }`',
    pattern: /^[A-Za-z0-9_.:{}-]{1,100}$/,
    zh: '队列及其他 Redis 键的前缀',
    en: 'Redis key prefix of the queues and every other key',
  }),
  healthProbeMs: integer({
    name: 'HEALTH_PROBE_MS',
    default: 5_000,
    min: 100,
    max: HOUR,
    zh: '各 API 进程探测 PostgreSQL、Redis 与任务进程心跳的间隔',
    en: 'how often each API process probes PostgreSQL, Redis and the worker heartbeat (`since` in /api/health)',
  }),
  jwtSecret: optionalText({ name: 'JWT_SECRET', unset: 'generated once, kept in the database', secret: true, zh: '令牌签名密钥', en: 'token signing secret' }),
  jwtTtl: duration({ name: 'JWT_TTL', default: '2h', zh: '访问令牌有效期', en: 'access token lifetime' }),
  authCacheMs: integer({
    name: 'AUTH_CACHE_MS',
    default: 30_000,
    min: 0,
    max: DAY,
    zh: 'API 进程缓存用户角色、单位、状态与令牌代数的时长（0 不缓存）',
    en: "how long an API process may keep a user's roles, units, active flag and token generation (0: not at all)",
  }),
  authCacheMaxUsers: integer({
    name: 'AUTH_CACHE_MAX_USERS',
    default: 10_000,
    min: 1,
    max: 10_000_000,
    zh: '该缓存最多保存的用户数',
    en: 'the most users an API process keeps in that cache (expired entries go first, then the oldest)',
  }),
  demoPassword: text({ name: 'DEMO_PASSWORD', default: 'demo1234', secret: true, zh: '演示账号的密码', en: 'password of the demo accounts seeded on an empty database' }),
  seedDemo: flag({ name: 'SEED_DEMO', default: true, zh: '空数据库时写入演示单位、用户与样例表', en: 'seed the demo unit, users and sample forms on an empty database' }),
  smtpUrl: optionalUrl({ name: 'SMTP_URL', protocols: ['smtp', 'smtps'], unset: 'off', zh: '邮件通知的 SMTP 服务器', en: 'e-mail notifications, e.g. `smtp://user:pass@mail.example:587`' }),
  mailFrom: text({ name: 'MAIL_FROM', default: '绩效自评系统 <no-reply@perf-eval.local>', zh: '通知邮件的发件人', en: 'sender of the notification e-mails' }),
  webhookUrl: optionalUrl({ name: 'WEBHOOK_URL', protocols: ['http', 'https'], unset: 'off', zh: '通知的 JSON Webhook（需 WEBHOOK_SECRET）', en: 'JSON webhook of the notifications (needs `WEBHOOK_SECRET`)' }),
  webhookSecret: optionalText({
    name: 'WEBHOOK_SECRET',
    unset: 'off',
    secret: true,
    zh: 'Webhook 的 HMAC-SHA256 签名密钥',
    en: 'HMAC-SHA256 key of the webhook (`X-PerfEval-Signature: sha256=…` over `timestamp.body`)',
  }),
  webhookTimeoutMs: integer({ name: 'WEBHOOK_TIMEOUT_MS', default: 10_000, min: 1, max: HOUR, zh: '单次 Webhook 请求的超时', en: 'timeout of one webhook request' }),
  publicUrl: url({
    name: 'PUBLIC_URL',
    default: { derive: (earlier) => `http://localhost:${String(earlier.port)}`, text: '`http://localhost:$PORT`' },
    protocols: ['http', 'https'],
    secret: false,
    zh: '通知中链接的地址',
    en: 'base of the links in notifications',
  }),
  reminderTickMs: integer({ name: 'REMINDER_TICK_MS', default: 15_000, min: 100, max: DAY, zh: '任务进程检查截止期限的间隔', en: 'how often the worker checks deadlines' }),
  outboxPollMs: integer({
    name: 'OUTBOX_POLL_MS',
    default: 10_000,
    min: 10,
    max: DAY,
    zh: '发件箱中继的兜底轮询间隔（平时由 LISTEN outbox 唤醒）',
    en: 'the outbox relay is woken by PostgreSQL (`LISTEN outbox`); it also polls this often',
  }),
  outboxListenRetryMs: integer({ name: 'OUTBOX_LISTEN_RETRY_MS', default: 500, min: 10, max: 10 * MINUTE, zh: '发件箱监听断开后重连前的等待', en: 'pause before the outbox relay reconnects its listener' }),
  countsFoldMs: optionalInteger({
    name: 'COUNTS_FOLD_MS',
    min: 0,
    max: DAY,
    unset: '`1000` (worker) / `10000` (API)',
    zh: '把待合并的计数增量并入看板计数的间隔（0 关闭）',
    en: "how often pending count deltas are folded into the board's counters (`0` off)",
  }),
  eventsConcurrency: integer({ name: 'EVENTS_CONCURRENCY', default: 16, min: 1, max: 1_000, zh: '每个任务进程并行处理的事件任务数', en: 'evaluation-event jobs a worker runs at once' }),
  scoringConcurrency: integer({ name: 'SCORING_CONCURRENCY', default: 16, min: 1, max: 1_000, zh: '每个任务进程并行处理的评分任务数', en: 'scoring (bulk recompute) jobs a worker runs at once' }),
  deliveryConcurrency: integer({ name: 'DELIVERY_CONCURRENCY', default: 8, min: 1, max: 1_000, zh: '每个任务进程并行发送的邮件与 Webhook 数', en: 'e-mail and webhook deliveries a worker sends at once' }),
  jobLockMs: integer({ name: 'JOB_LOCK_MS', default: 30_000, min: 1_000, max: DAY, zh: '任务进程失联后其任务由其他进程重试的时限', en: "after this, a dead worker's jobs are retried by another" }),
  loginRateLimit: integer({
    name: 'LOGIN_RATE_LIMIT',
    default: 20,
    min: 1,
    max: 10_000_000,
    zh: '每客户端地址与用户名每分钟允许的错误密码数',
    en: 'wrong passwords a minute per client address and username',
  }),
  loginClientRateLimit: integer({
    name: 'LOGIN_CLIENT_RATE_LIMIT',
    default: { derive: (earlier) => 5 * Number(earlier.loginRateLimit), text: '5 × `LOGIN_RATE_LIMIT`' },
    min: 1,
    max: 50_000_000,
    zh: '每客户端地址（所有用户名合计）每分钟允许的错误密码数',
    en: 'wrong passwords a minute per client address over all usernames',
  }),
  bcryptRounds: integer({
    name: 'BCRYPT_ROUNDS',
    default: 10,
    min: 4,
    max: 20,
    zh: '新密码哈希的成本',
    en: "cost of new password hashes (an unknown username is checked against a placeholder of the newest stored hash's cost)",
  }),
  bodyLimit: size({ name: 'BODY_LIMIT', default: '1mb', minBytes: 1024, maxBytes: 1024 ** 3, zh: 'JSON 请求体上限（超出 413）', en: 'size limit of JSON request bodies (413 beyond)' }),
  importBodyLimit: size({
    name: 'IMPORT_BODY_LIMIT',
    default: '5mb',
    minBytes: 1024,
    maxBytes: 1024 ** 3,
    zh: '导入的文本、Word、Excel 上传（含 multipart）上限',
    en: 'size limit of imports: text, Word and Excel uploads, raw or multipart (413 beyond)',
  }),
  importMaxUnpackedBytes: integer({
    name: 'IMPORT_MAX_UNPACKED_BYTES',
    default: 64 * 1024 * 1024,
    min: 1024,
    max: 16 * 1024 ** 3,
    zh: '上传的 .docx/.xlsx 解压后的上限',
    en: 'what an uploaded .docx/.xlsx may unpack to (`IMPORT_FILE_UNREADABLE` beyond)',
  }),
  apiHeapMb: integer({
    name: 'API_HEAP_MB',
    default: 384,
    min: 128,
    max: 65_536,
    zh: 'API 进程的 JavaScript 堆上限（MB）',
    en: "the API process's JavaScript heap in MB (`--max-old-space-size`, passed by the launchers)",
  }),
  logLevel: oneOf({ name: 'LOG_LEVEL', default: 'info', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], zh: '日志级别（pino，JSON）', en: 'pino log level (JSON logs)' }),
  logRequests: flag({ name: 'LOG_REQUESTS', default: true, zh: 'API 是否为每个请求记一行日志', en: 'whether the API logs a line per request' }),
  streamHeartbeatMs: integer({ name: 'STREAM_HEARTBEAT_MS', default: 15_000, min: 100, max: HOUR, zh: '实时事件流的心跳注释间隔', en: 'comment heartbeat (`: ping`) of the live event streams' }),
  streamQueuesDebounceMs: integer({
    name: 'STREAM_QUEUES_DEBOUNCE_MS',
    default: 300,
    min: 0,
    max: MINUTE,
    zh: '实时流中队列计数的合并窗口',
    en: 'queue counts follow the changes a stream sees at most once per this window',
  }),
  shutdownTimeoutMs: integer({
    name: 'SHUTDOWN_TIMEOUT_MS',
    default: 8_000,
    min: 0,
    max: 10 * MINUTE,
    zh: '收到 SIGTERM/SIGINT 后等待进行中的请求与任务的时限',
    en: 'on SIGTERM/SIGINT, how long requests and jobs in flight may still take',
  }),
} as const satisfies Record<string, ConfigVariable<unknown>>;

export type ConfigKey = keyof typeof CONFIG_VARIABLES;

/** The values of the configuration, one per declared variable. */
export type ConfigValues = { readonly [K in ConfigKey]: ReturnType<(typeof CONFIG_VARIABLES)[K]['parse']> };
