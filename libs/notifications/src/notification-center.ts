import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { Directory, type Role } from '#perf-eval/identity';
import { Sql } from '#perf-eval/persistence';
import { reviewBarred } from '#perf-eval/evaluation';
import { composeNotification, type NotificationContext } from './notification-texts.js';
import type { NotificationKind } from './notification.js';
import { LivePublisher } from '#perf-eval/live';
import type { LiveNotification } from '#perf-eval/live';

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
  /**
   * For the `reviewers` audience: the review step whose reviewers are meant (`unit`: the unit's reviewers,
   * `department`: the reviewers of the unit's 主管部门). Absent: the step the form is at now.
   */
  reviewStep?: string;
  /**
   * For the `reviewers` audience: who approved earlier steps of the submission when the event happened (they
   * are not asked again). Absent: as the form stands now (reminders). An event is followed after the fact,
   * when later steps may have been approved already: its notice says who it meant.
   */
  approvers?: string[];
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

/** Notices stored in one transaction (a reminder tick over a year runs many). */
const NOTICES_PER_TRANSACTION = 1000;

type Recipient = { id: string; email: string | null };
/** Lists of people by audience, unit and authors: read once per batch of notices. */
type PeopleCache = Map<string, Recipient[]>;

interface EvaluationFacts {
  unit_id: string;
  unit_name: string;
  project_name: string;
  created_by: string;
  last_edited_by: string;
  revision_authors: string[];
  /** The step the form is at now (null unless Submitted) and who approved earlier steps of this submission. */
  review_step: string | null;
  review_approvers: string[];
  /** What the Draft still needs before it can be submitted (0 for other statuses): the reminders say so. */
  missing_count: number;
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
    private readonly config: AppConfig,
    private readonly directory: Directory,
    @Optional() private readonly live?: LivePublisher,
  ) {}

  channels(): Channels {
    return { email: this.config.smtpUrl !== null, webhook: this.config.webhookUrl !== null };
  }

  /**
   * Stores the notices. In a transaction of its own, the recipients' open streams hear of each new
   * notification once it has committed; inside the caller's transaction (`manager`) nothing is announced.
   */
  async notify(notices: NoticeRequest[], manager?: EntityManager): Promise<PendingDelivery[]> {
    if (notices.length === 0) return [];
    if (manager) return (await this.insert(manager, notices, new Map())).deliveries;
    const { deliveries, stored } = await this.dataSource.transaction((m) => this.insert(m, notices, new Map()));
    this.live?.notificationsStored(stored);
    return deliveries;
  }

  /**
   * Stores many notices (a reminder tick over a whole year) NOTICES_PER_TRANSACTION at a time, each
   * slice in a transaction of its own, handing each slice's deliveries to `each` once it has committed:
   * memory stays that of one slice, and the lists of people are read once for all slices.
   */
  async notifyMany(notices: NoticeRequest[], each: (deliveries: PendingDelivery[]) => Promise<void>): Promise<number> {
    const people: PeopleCache = new Map();
    let stored = 0;
    for (let i = 0; i < notices.length; i += NOTICES_PER_TRANSACTION) {
      const slice = notices.slice(i, i + NOTICES_PER_TRANSACTION);
      const result = await this.dataSource.transaction((m) => this.insert(m, slice, people));
      this.live?.notificationsStored(result.stored);
      stored += result.stored.length;
      await each(result.deliveries);
    }
    return stored;
  }

  /**
   * One statement for the facts of all the notices' evaluations, one to find which (kind, evaluation,
   * moment, recipient) are stored already (a later tick composes nothing again), one INSERT of the rest
   * in dedupe-key order (two scans at once lock keys in the same order, so they cannot deadlock; the
   * loser of a key inserts nothing), one INSERT of their deliveries.
   */
  private async insert(manager: EntityManager, notices: NoticeRequest[], people: PeopleCache): Promise<{ deliveries: PendingDelivery[]; stored: LiveNotification[] }> {
    const channels = this.channels();
    const facts = await this.factsOf(manager, [...new Set(notices.map((n) => n.evaluationId))]);
    const candidates: { notice: NoticeRequest; evaluation: EvaluationFacts; recipient: Recipient; key: string }[] = [];
    for (const notice of notices) {
      const evaluation = facts.get(notice.evaluationId);
      if (!evaluation) continue;
      const step = notice.reviewStep ?? evaluation.review_step ?? 'unit';
      const audienceKey =
        notice.audience === 'authors' || notice.audience === 'reviewers'
          ? `${notice.audience}|${notice.evaluationId}|${step}|${(notice.approvers ?? evaluation.review_approvers).join(',')}`
          : `${notice.audience}|${evaluation.unit_id}|${evaluation.created_by}|${evaluation.last_edited_by}`;
      if (!people.has(audienceKey)) people.set(audienceKey, await this.recipients(manager, notice.audience, evaluation, step, notice.approvers ?? evaluation.review_approvers));
      for (const recipient of people.get(audienceKey)!) {
        if (notice.exclude?.includes(recipient.id)) continue;
        candidates.push({ notice, evaluation, recipient, key: `${notice.kind}|${notice.evaluationId}|${notice.key}|${recipient.id}` });
      }
    }
    if (candidates.length === 0) return { deliveries: [], stored: [] };
    const sql = Sql.of(manager);
    const existing = await sql.rows<{ dedupe_key: string }>('SELECT dedupe_key FROM notifications WHERE dedupe_key = ANY($1::text[])', [candidates.map((c) => c.key)]);
    const known = new Set(existing.map((r) => r.dedupe_key));
    const fresh = candidates.filter((c) => !known.has(c.key)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (fresh.length === 0) return { deliveries: [], stored: [] };
    const base = this.config.publicUrl.replace(/\/$/, '');
    const rows = fresh.map(({ notice, evaluation, recipient, key }) => {
      const link = `${base}/#/evaluations/${notice.evaluationId}`;
      const { title, body } = composeNotification(notice.kind, { ...notice.context, projectName: evaluation.project_name, unitName: evaluation.unit_name, link, missing: evaluation.missing_count });
      return { id: randomUUID(), dedupe_key: key, recipient_id: recipient.id, kind: notice.kind, evaluation_id: notice.evaluationId, cycle_id: notice.cycleId, title, body, link };
    });
    const inserted = await sql.rows<{ id: string }>(
      `INSERT INTO notifications (id, dedupe_key, recipient_id, kind, evaluation_id, cycle_id, title, body, link)
       SELECT id, dedupe_key, recipient_id, kind, evaluation_id, cycle_id, title, body, link
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, dedupe_key text, recipient_id uuid, kind text, evaluation_id uuid, cycle_id uuid, title text, body text, link text)
       ORDER BY dedupe_key
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [JSON.stringify(rows)],
    );
    const ids = new Set(inserted.map((r) => r.id));
    const deliveries: PendingDelivery[] = [];
    const stored: LiveNotification[] = [];
    for (const [i, row] of rows.entries()) {
      if (!ids.has(row.id)) continue;
      stored.push({ recipientId: row.recipient_id, id: row.id, kind: row.kind, evaluationId: row.evaluation_id, title: row.title });
      if (channels.email && fresh[i].recipient.email) deliveries.push({ notificationId: row.id, channel: 'email' });
      if (channels.webhook) deliveries.push({ notificationId: row.id, channel: 'webhook' });
    }
    if (deliveries.length > 0) {
      await sql.affected(
        `INSERT INTO notification_deliveries (notification_id, channel) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING`,
        [deliveries.map((d) => d.notificationId), deliveries.map((d) => d.channel)],
      );
    }
    return { deliveries, stored };
  }

  private async factsOf(manager: EntityManager, evaluationIds: string[]): Promise<Map<string, EvaluationFacts>> {
    const rows = await Sql.of(manager).rows<EvaluationFacts & { id: string }>(
      `SELECT e.id, e.unit_id, u.name AS unit_name, e.project_name, e.created_by, e.last_edited_by, e.missing_count,
              COALESCE(e.state->'revisionAuthors', '[]'::jsonb) AS revision_authors,
              e.review_step,
              COALESCE((SELECT jsonb_agg(a->'by') FROM jsonb_array_elements(e.state->'review'->'approvals') a), '[]'::jsonb) AS review_approvers
       FROM evaluations e JOIN units u ON u.id = e.unit_id WHERE e.id = ANY($1::uuid[])`,
      [evaluationIds],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async recipients(manager: EntityManager, audience: Audience, evaluation: EvaluationFacts, step: string, approvers: string[]): Promise<{ id: string; email: string | null }[]> {
    switch (audience) {
      case 'authors':
        // Only the authors who may still see the form (canSeeUnit): someone moved to another unit hears no more of it.
        return Sql.of(manager).rows<Recipient>(
          `SELECT id, email FROM users WHERE active AND id = ANY($1::uuid[])
             AND ($2::uuid = ANY(unit_ids) OR 'manager' = ANY(roles) OR 'admin' = ANY(roles)) ORDER BY username`,
          [reviewBarred({ createdBy: evaluation.created_by, lastEditedBy: evaluation.last_edited_by, revisionAuthors: evaluation.revision_authors }), evaluation.unit_id],
        );
      case 'drafters':
        return this.withRole(manager, 'drafter', evaluation.unit_id);
      case 'reviewers': {
        // The step's own reviewers (the unit's, or its 主管部门's: Directory.stepReviewers, read in this transaction).
        // A reviewer never reviews a form they drafted, edited or submitted, nor two steps of one submission,
        // so they are not asked to.
        const barred = [
          ...reviewBarred({ createdBy: evaluation.created_by, lastEditedBy: evaluation.last_edited_by, revisionAuthors: evaluation.revision_authors }),
          ...approvers,
        ];
        const reviewers = await this.directory.stepReviewers(evaluation.unit_id, step, { manager });
        return reviewers.filter((r) => !barred.includes(r.id)).map(({ id, email }) => ({ id, email }));
      }
      case 'managers': {
        const own = await this.withRole(manager, 'manager', evaluation.unit_id);
        return own.length > 0 ? own : Sql.of(manager).rows<Recipient>(`SELECT id, email FROM users WHERE active AND 'manager' = ANY(roles) ORDER BY username`);
      }
      default: {
        const never: never = audience;
        throw new Error(`Unknown audience ${String(never)}`);
      }
    }
  }

  private withRole(manager: EntityManager, role: Role, unitId: string): Promise<Recipient[]> {
    return Sql.of(manager).rows<Recipient>('SELECT id, email FROM users WHERE active AND $1 = ANY(roles) AND $2 = ANY(unit_ids) ORDER BY username', [role, unitId]);
  }
}
