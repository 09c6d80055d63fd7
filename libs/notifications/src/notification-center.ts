import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../../identity/src/roles.js';
import { reviewBarred } from '../../evaluation/src/domain/evaluation.js';
import { composeNotification, type NotificationContext } from './notification-texts.js';
import type { NotificationKind } from './notification.js';
import { LivePublisher } from '../../live/src/live-publisher.js';
import type { LiveNotification } from '../../live/src/live-messages.js';

export type Audience = 'drafters' | 'reviewers' | 'managers' | 'authors';

export interface NoticeRequest {
  kind: NotificationKind;
  audience: Audience;
  evaluationId: string;
  cycleId: string | null;
  /** Names the moment or event, e.g. "submission@2026-12-01T10:00:00.000Z-P3D" or "v7": with kind and recipient it makes the notice unique. */
  key: string;
  context: Omit<NotificationContext, 'projectName' | 'unitName' | 'link'>;
  /** People who must not receive it (e.g. the drafter of a form is not asked to review it). */
  exclude?: string[];
}

export interface Channels {
  email: boolean;
  webhook: boolean;
}

/** A delivery the caller should queue once the transaction has committed. */
export interface PendingDelivery {
  notificationId: string;
  channel: 'email' | 'webhook';
}

interface EvaluationFacts {
  unit_id: string;
  unit_name: string;
  project_name: string;
  created_by: string;
  last_edited_by: string;
  revision_authors: string[];
}

/**
 * Turns a notice into one in-app notification per recipient, exactly once: the dedupe key
 * (kind, evaluation, moment, recipient) is unique, so a retried or concurrent job inserts nothing new.
 * E-mail and webhook deliveries are rows in the same transaction, so none is lost before it is queued.
 */
@Injectable()
export class NotificationCenter {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  channels(): Channels {
    return { email: Boolean(process.env.SMTP_URL), webhook: Boolean(process.env.WEBHOOK_URL) };
  }

  /**
   * Stores the notices. In a transaction of its own, the recipients' open streams hear of each new
   * notification once it has committed; inside the caller's transaction (`manager`) nothing is announced.
   */
  async notify(notices: NoticeRequest[], manager?: EntityManager): Promise<PendingDelivery[]> {
    if (notices.length === 0) return [];
    if (manager) return (await this.insert(manager, notices)).deliveries;
    const { deliveries, stored } = await this.dataSource.transaction((m) => this.insert(m, notices));
    this.live?.notificationsStored(stored);
    return deliveries;
  }

  private async insert(manager: EntityManager, notices: NoticeRequest[]): Promise<{ deliveries: PendingDelivery[]; stored: LiveNotification[] }> {
    const channels = this.channels();
    const deliveries: PendingDelivery[] = [];
    const stored: LiveNotification[] = [];
    const facts = new Map<string, EvaluationFacts | null>();
    // A tick's notices share units and audiences: each list of people is read once per batch.
    const people = new Map<string, { id: string; email: string | null }[]>();
    for (const notice of notices) {
      if (!facts.has(notice.evaluationId)) facts.set(notice.evaluationId, await this.factsOf(manager, notice.evaluationId));
      const evaluation = facts.get(notice.evaluationId);
      if (!evaluation) continue;
      const key = notice.audience === 'authors' ? `authors|${notice.evaluationId}` : `${notice.audience}|${evaluation.unit_id}|${evaluation.created_by}|${evaluation.last_edited_by}`;
      if (!people.has(key)) people.set(key, await this.recipients(manager, notice.audience, evaluation));
      const recipients = people.get(key)!.filter((r) => !notice.exclude?.includes(r.id));
      const link = `${publicUrl()}/#/evaluations/${notice.evaluationId}`;
      const { title, body } = composeNotification(notice.kind, { ...notice.context, projectName: evaluation.project_name, unitName: evaluation.unit_name, link });
      for (const recipient of recipients) {
        const inserted: { id: string }[] = await manager.query(
          `INSERT INTO notifications (id, dedupe_key, recipient_id, kind, evaluation_id, cycle_id, title, body, link)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
          [randomUUID(), `${notice.kind}|${notice.evaluationId}|${notice.key}|${recipient.id}`, recipient.id, notice.kind, notice.evaluationId, notice.cycleId, title, body, link],
        );
        if (!inserted[0]) continue;
        stored.push({ recipientId: recipient.id, id: inserted[0].id, kind: notice.kind, evaluationId: notice.evaluationId, title });
        const wanted = [...(channels.email && recipient.email ? (['email'] as const) : []), ...(channels.webhook ? (['webhook'] as const) : [])];
        for (const channel of wanted) {
          await manager.query(`INSERT INTO notification_deliveries (notification_id, channel) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [inserted[0].id, channel]);
          deliveries.push({ notificationId: inserted[0].id, channel });
        }
      }
    }
    return { deliveries, stored };
  }

  private async factsOf(manager: EntityManager, evaluationId: string): Promise<EvaluationFacts | null> {
    const rows: EvaluationFacts[] = await manager.query(
      `SELECT e.unit_id, u.name AS unit_name, e.project_name, e.created_by, e.state->>'lastEditedBy' AS last_edited_by,
              COALESCE(e.state->'revisionAuthors', '[]'::jsonb) AS revision_authors
       FROM evaluations e JOIN units u ON u.id = e.unit_id WHERE e.id = $1`,
      [evaluationId],
    );
    return rows[0] ?? null;
  }

  private async recipients(manager: EntityManager, audience: Audience, evaluation: EvaluationFacts): Promise<{ id: string; email: string | null }[]> {
    switch (audience) {
      case 'authors':
        return manager.query('SELECT id, email FROM users WHERE active AND id = ANY($1::uuid[]) ORDER BY username', [
          reviewBarred({ createdBy: evaluation.created_by, lastEditedBy: evaluation.last_edited_by, revisionAuthors: evaluation.revision_authors }),
        ]);
      case 'drafters':
        return this.withRole(manager, 'drafter', evaluation.unit_id);
      case 'reviewers': {
        // A reviewer never reviews a form they drafted, edited or submitted, so they are not asked to.
        const barred = reviewBarred({ createdBy: evaluation.created_by, lastEditedBy: evaluation.last_edited_by, revisionAuthors: evaluation.revision_authors });
        const reviewers = await this.withRole(manager, 'reviewer', evaluation.unit_id);
        return reviewers.filter((r) => !barred.includes(r.id));
      }
      case 'managers': {
        const own = await this.withRole(manager, 'manager', evaluation.unit_id);
        return own.length > 0 ? own : manager.query(`SELECT id, email FROM users WHERE active AND 'manager' = ANY(roles) ORDER BY username`);
      }
      default: {
        const never: never = audience;
        throw new Error(`Unknown audience ${String(never)}`);
      }
    }
  }

  private withRole(manager: EntityManager, role: Role, unitId: string): Promise<{ id: string; email: string | null }[]> {
    return manager.query('SELECT id, email FROM users WHERE active AND $1 = ANY(roles) AND $2 = ANY(unit_ids) ORDER BY username', [role, unitId]);
  }
}

export function publicUrl(): string {
  return (process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
}
