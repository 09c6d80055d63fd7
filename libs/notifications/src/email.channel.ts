import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { NotificationMessage } from './notification.js';

export const DEFAULT_MAIL_FROM = '绩效自评系统 <no-reply@perf-eval.local>';

export interface EmailChannelOptions {
  /** smtp://user:pass@host:port (STARTTLS when offered) or smtps://user:pass@host:465 (implicit TLS). */
  url: string;
  from: string;
}

/** The deterministic Message-ID of a notification: a retried send carries the same one. */
export function notificationMessageId(message: Pick<NotificationMessage, 'id'>): string {
  return `<notification-${message.id}@perf-eval.local>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const FOOTER = '（本邮件由项目支出绩效自评系统自动发送，请勿直接回复。）';

function textBody(message: NotificationMessage): string {
  const parts = [message.body.trimEnd()];
  if (message.link && !message.body.includes(message.link)) parts.push(`查看详情：${message.link}`);
  parts.push(FOOTER);
  return parts.join('\n\n');
}

function htmlBody(message: NotificationMessage, text: string): string {
  let html = escapeHtml(text);
  const link = message.link;
  if (link && /^https?:\/\//i.test(link)) {
    const escaped = escapeHtml(link);
    html = html.split(escaped).join(`<a href="${escaped}">${escaped}</a>`);
  }
  html = html
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(message.title)}</title></head><body>\n${html}\n</body></html>`;
}

/** Sends a notification as a UTF-8 e-mail (text + HTML alternative) through SMTP. */
export class EmailChannel {
  private readonly transporter: Transporter;
  private readonly from: string;

  constructor(options: EmailChannelOptions) {
    if (!options.url) throw new Error('EmailChannel: SMTP url is required');
    if (!/^smtps?:\/\//i.test(options.url)) throw new Error('EmailChannel: url must start with smtp:// or smtps://');
    this.transporter = nodemailer.createTransport(options.url);
    this.from = options.from;
  }

  async send(message: NotificationMessage, to: string): Promise<{ messageId: string }> {
    const text = textBody(message);
    const created = new Date(message.createdAt);
    const info = await this.transporter.sendMail({
      from: this.from,
      to,
      subject: message.title,
      text,
      html: htmlBody(message, text),
      messageId: notificationMessageId(message),
      date: Number.isNaN(created.getTime()) ? new Date() : created,
      textEncoding: 'base64',
      headers: {
        'X-PerfEval-Notification-Id': message.id,
        'X-PerfEval-Notification-Kind': message.kind,
        'Auto-Submitted': 'auto-generated',
      },
    });
    return { messageId: String(info.messageId ?? notificationMessageId(message)) };
  }

  close(): void {
    this.transporter.close();
  }
}

/** E-mail is off unless SMTP_URL is set. MAIL_FROM defaults to 绩效自评系统 <no-reply@perf-eval.local>. */
export function emailChannelFromConfig(config: { smtpUrl: string | null; mailFrom: string }): EmailChannel | null {
  if (!config.smtpUrl) return null;
  return new EmailChannel({ url: config.smtpUrl, from: config.mailFrom.trim() });
}
