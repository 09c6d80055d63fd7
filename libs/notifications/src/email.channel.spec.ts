import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '#perf-eval/config';
import { EmailChannel, emailChannelFromConfig, DEFAULT_MAIL_FROM } from './email.channel.js';
import type { NotificationMessage } from './notification.js';

interface Received {
  from: string | undefined;
  to: string[];
  raw: string;
}

/** Decodes RFC 2047 encoded-words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=) of a header value. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The decoded body of the first MIME part with the given content type. */
function part(raw: string, contentType: string): string {
  const chunks = raw.split(/\r?\n--[^\r\n]+/);
  const chunk = chunks.find((c) => new RegExp(`content-type:\\s*${contentType}`, 'i').test(c));
  if (!chunk) throw new Error(`no ${contentType} part`);
  const [head, ...rest] = chunk.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

describe('EmailChannel', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        callback(null, { user: auth.username });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const message: NotificationMessage = {
    id: '6f1c2d3e-0000-4000-8000-000000000001',
    kind: 'returned',
    recipientId: 'u-drafter',
    evaluationId: 'e-1',
    cycleId: 'c-2021',
    title: '【退回修改】《关心下一代工作宣传项目》绩效自评表已被退回',
    body: '您好：\n\n北京市关心下一代工作委员会办公室的《关心下一代工作宣传项目》项目支出绩效自评表已由审核人张审核退回修改。\n\n审核意见：\n1. 第 3 行绩效指标：<请核实> & 补充',
    link: 'https://perf-eval.example.cn/evaluations/e-1',
    createdAt: '2026-11-28T10:00:00.000Z',
  };

  it('delivers a UTF-8 mail with the Chinese subject, body, recipient and a deterministic Message-ID to a real SMTP server', async () => {
    const channel = new EmailChannel({ url: `smtp://127.0.0.1:${port}`, from: DEFAULT_MAIL_FROM });
    try {
      const result = await channel.send(message, 'drafter@unit.example.cn');
      expect(result.messageId).toBe('<notification-6f1c2d3e-0000-4000-8000-000000000001@perf-eval.local>');
    } finally {
      channel.close();
    }
    expect(received).toHaveLength(1);
    const mail = received[0];
    expect(mail.to).toEqual(['drafter@unit.example.cn']);
    expect(mail.from).toBe('no-reply@perf-eval.local');
    expect(header(mail.raw, 'To')).toBe('drafter@unit.example.cn');
    expect(header(mail.raw, 'Message-ID')).toBe('<notification-6f1c2d3e-0000-4000-8000-000000000001@perf-eval.local>');
    expect(decodeHeader(header(mail.raw, 'Subject') ?? '')).toBe(message.title);
    expect(decodeHeader(header(mail.raw, 'From') ?? '')).toContain('绩效自评系统');
    expect(header(mail.raw, 'Date')).toContain('28 Nov 2026 10:00:00 +0000');

    const text = part(mail.raw, 'text/plain');
    expect(text).toContain('已由审核人张审核退回修改');
    expect(text).toContain('第 3 行绩效指标：<请核实> & 补充');
    expect(text).toContain('查看详情：https://perf-eval.example.cn/evaluations/e-1');

    const html = part(mail.raw, 'text/html');
    expect(html).toContain('&lt;请核实&gt; &amp; 补充');
    expect(html).not.toContain('<请核实>');
    expect(html).toContain('<a href="https://perf-eval.example.cn/evaluations/e-1">');
  });

  it('sends the same Message-ID again when a delivery is retried', async () => {
    const channel = new EmailChannel({ url: `smtp://user:pass@127.0.0.1:${port}`, from: 'Ops <ops@perf-eval.local>' });
    try {
      await channel.send(message, 'a@unit.example.cn');
      await channel.send(message, 'a@unit.example.cn');
    } finally {
      channel.close();
    }
    const ids = received.slice(-2).map((m) => header(m.raw, 'Message-ID'));
    expect(ids[0]).toBe(ids[1]);
  });
});

describe('emailChannelFromConfig', () => {
  it('keeps e-mail off when SMTP_URL is unset', () => {
    expect(emailChannelFromConfig(loadConfig({}))).toBeNull();
    expect(emailChannelFromConfig(loadConfig({ SMTP_URL: '  ' }))).toBeNull();
  });

  it('builds a channel when SMTP_URL is set', () => {
    const channel = emailChannelFromConfig(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }));
    expect(channel).toBeInstanceOf(EmailChannel);
    channel?.close();
  });
});
