import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationMessage } from './notification.js';

export interface WebhookChannelOptions {
  url: string;
  secret: string;
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
}

export interface WebhookRecipient {
  username: string;
  displayName: string;
}

export type WebhookMessage = NotificationMessage & { recipient?: WebhookRecipient };

/** The JSON body a receiver gets. */
export interface WebhookPayload {
  id: string;
  kind: NotificationMessage['kind'];
  evaluationId: string | null;
  cycleId: string | null;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  recipient: WebhookRecipient | null;
}

export const WEBHOOK_HEADERS = {
  delivery: 'X-PerfEval-Delivery',
  timestamp: 'X-PerfEval-Timestamp',
  signature: 'X-PerfEval-Signature',
} as const;

/**
 * A delivery failed: a non-2xx answer (`status` = the HTTP status) or a network error / timeout
 * (`status` = null). Throwing lets the caller's queue retry with backoff; `retryable` is false
 * for 3xx and for 4xx answers other than 408/429, which another attempt is unlikely to change.
 */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  readonly status: number | null;
  readonly retryable: boolean;

  constructor(message: string, status: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.retryable = status === null || status >= 500 || status === 408 || status === 429;
  }
}

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<rawBody>")>` */
export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')}`;
}

/**
 * For receivers: true when `signature` is the HMAC of `${timestamp}.${rawBody}` under `secret`
 * and the timestamp (unix seconds) lies within `toleranceSeconds` of `now` (ms).
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  rawBody: string,
  signature: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  if (!secret || typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (!/^\d{1,15}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (!match) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody).slice('sha256='.length), 'hex');
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** POSTs a signed JSON notification to one URL. */
export class WebhookChannel {
  private readonly url: string;
  private readonly secret: string;
  private readonly timeoutMs: number;

  constructor(options: WebhookChannelOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new Error(`WebhookChannel: invalid url ${JSON.stringify(options.url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('WebhookChannel: url must be http(s)');
    if (!options.secret) throw new Error('WebhookChannel: secret is required');
    this.url = parsed.toString();
    this.secret = options.secret;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(message: WebhookMessage): Promise<void> {
    const payload: WebhookPayload = {
      id: message.id,
      kind: message.kind,
      evaluationId: message.evaluationId,
      cycleId: message.cycleId,
      title: message.title,
      body: message.body,
      link: message.link,
      createdAt: message.createdAt,
      recipient: message.recipient ? { username: message.recipient.username, displayName: message.recipient.displayName } : null,
    };
    const rawBody = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));

    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [WEBHOOK_HEADERS.delivery]: message.id,
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signWebhook(this.secret, timestamp, rawBody),
        },
        body: rawBody,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new WebhookDeliveryError(`Webhook delivery ${message.id} failed: ${reason}`, null, { cause: error });
    }

    // Always consume the body so the connection is released.
    const answer = await response.text().catch(() => '');
    if (response.status < 200 || response.status >= 300) {
      const snippet = answer.length > 200 ? `${answer.slice(0, 200)}…` : answer;
      throw new WebhookDeliveryError(
        `Webhook delivery ${message.id} answered HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`,
        response.status,
      );
    }
  }
}

/** Webhooks are off unless WEBHOOK_URL is set; WEBHOOK_SECRET is then required (the config refuses to load without it). */
export function webhookChannelFromConfig(config: { webhookUrl: string | null; webhookSecret: string | null; webhookTimeoutMs: number }): WebhookChannel | null {
  if (!config.webhookUrl) return null;
  if (!config.webhookSecret) throw new Error('WEBHOOK_URL is set but WEBHOOK_SECRET is missing: webhook deliveries must be signed');
  return new WebhookChannel({ url: config.webhookUrl, secret: config.webhookSecret, timeoutMs: config.webhookTimeoutMs });
}
