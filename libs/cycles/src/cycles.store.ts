import { isUuid, Sql } from '#perf-eval/persistence';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { checkCycle, CycleNotFoundError, type CycleInput } from './cycle.js';
import type { ReminderPolicy } from './reminder-policy.js';
import { YEAR_CYCLES } from './year-cycles.js';

export interface Cycle {
  id: string;
  fiscalYear: number;
  name: string;
  submissionDeadline: string;
  reviewDeadline: string;
  reminderPolicy: ReminderPolicy;
  status: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
}

interface CycleRow {
  id: string;
  fiscal_year: number;
  name: string;
  submission_deadline: Date;
  review_deadline: Date;
  reminder_policy: ReminderPolicy;
  status: 'open' | 'closed';
  created_at: Date;
  updated_at: Date;
}

/**
 * Cycles (评价批次). A changed deadline needs no rescheduling of its own: the reminder scan reads the
 * deadlines each time, and every notice is keyed by the deadline it was computed for.
 */
@Injectable()
export class CyclesStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: CycleInput, createdBy: string): Promise<Cycle> {
    const cycle = checkCycle(input);
    const rows = await Sql.of(this.dataSource).rows<CycleRow>(
      `INSERT INTO cycles (id, fiscal_year, name, submission_deadline, review_deadline, reminder_policy, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [randomUUID(), cycle.fiscalYear, cycle.name, cycle.submissionDeadline, cycle.reviewDeadline, JSON.stringify(cycle.reminderPolicy), createdBy],
    );
    return toCycle(rows[0]);
  }

  async update(id: string, patch: Partial<CycleInput> & { status?: 'open' | 'closed' }): Promise<Cycle> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.get(id, manager, true);
      const next = checkCycle({
        fiscalYear: patch.fiscalYear ?? current.fiscalYear,
        name: patch.name ?? current.name,
        submissionDeadline: patch.submissionDeadline ?? new Date(current.submissionDeadline),
        reviewDeadline: patch.reviewDeadline ?? new Date(current.reviewDeadline),
        reminderPolicy: patch.reminderPolicy ?? current.reminderPolicy,
      });
      const rows = await Sql.of(manager).rows<CycleRow>(
        `UPDATE cycles SET fiscal_year=$2, name=$3, submission_deadline=$4, review_deadline=$5, reminder_policy=$6, status=$7, updated_at=now()
         WHERE id=$1 RETURNING *`,
        [id, next.fiscalYear, next.name, next.submissionDeadline, next.reviewDeadline, JSON.stringify(next.reminderPolicy), patch.status ?? current.status],
      );
      return toCycle(rows[0]);
    });
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager, forUpdate = false): Promise<Cycle> {
    const row = isUuid(id) ? await Sql.of(manager).first<CycleRow>(`SELECT * FROM cycles WHERE id = $1 ${forUpdate ? 'FOR UPDATE' : ''}`, [id]) : null;
    if (!row) throw new CycleNotFoundError(id);
    return toCycle(row);
  }

  async list(fiscalYear?: number): Promise<Cycle[]> {
    const rows = await Sql.of(this.dataSource).rows<CycleRow>(
      `SELECT * FROM cycles ${fiscalYear ? 'WHERE fiscal_year = $1' : ''} ORDER BY fiscal_year DESC, created_at DESC`,
      fiscalYear ? [fiscalYear] : [],
    );
    return rows.map(toCycle);
  }

  /** The cycle governing each fiscal year's forms (see YEAR_CYCLES): the newest open cycle of each year. */
  async governing(manager: EntityManager = this.dataSource.manager): Promise<Cycle[]> {
    const rows = await Sql.of(manager).rows<CycleRow>(`SELECT * FROM ${YEAR_CYCLES} c ORDER BY c.created_at`);
    return rows.map(toCycle);
  }

  /**
   * The cycle recorded on a new form of `fiscalYear` (the one named, else the newest open cycle of that
   * year). A record only: membership follows the fiscal year (YEAR_CYCLES), whenever the form was created.
   */
  async cycleFor(fiscalYear: number, cycleId?: string | null): Promise<string | null> {
    if (cycleId) {
      const cycle = await this.get(cycleId);
      if (cycle.fiscalYear !== fiscalYear) throw new CycleNotFoundError(`${cycleId}（${fiscalYear} 年度）`);
      return cycle.id;
    }
    const row = await Sql.of(this.dataSource).first<{ id: string }>(
      `SELECT id FROM cycles WHERE fiscal_year = $1 AND status = 'open' ORDER BY created_at DESC LIMIT 1`,
      [fiscalYear],
    );
    return row?.id ?? null;
  }
}

function toCycle(r: CycleRow): Cycle {
  return {
    id: r.id,
    fiscalYear: r.fiscal_year,
    name: r.name,
    submissionDeadline: new Date(r.submission_deadline).toISOString(),
    reviewDeadline: new Date(r.review_deadline).toISOString(),
    reminderPolicy: r.reminder_policy,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
