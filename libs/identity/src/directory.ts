import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { Sql } from '#perf-eval/persistence';
import {
  AccountDisabledError,
  DepartmentNameTakenError,
  DepartmentStepPendingError,
  LastStepReviewerError,
  InvalidCredentialsError,
  InvalidReviewChainError,
  UnitNameTakenError,
  UnitNotFoundError,
  UnknownDepartmentError,
  UnknownUnitError,
  UnknownUserError,
  UsernameTakenError,
} from './identity.errors.js';
import { ROLES, UNIT_SCOPE, type AuthenticatedUser, type Role } from './roles.js';
import { notAuthorOf, notEarlierApproverOf } from './review-bar.js';
import { assertReviewChain, reviewChainMessage, type ReviewStep } from './review-chain.js';
import { assertPasswordAllowed } from './password-policy.js';
import { UserChangePublisher } from './user-changes.js';

export interface Unit {
  id: string;
  name: string;
  /** The 主管部门 by name, as the paper form writes it (and the unit was created with). */
  competentDepartment: string;
  /** The 主管部门 as an organisation: whose reviewers take the `department` step. Null: not linked. */
  departmentId: string | null;
  /** The steps of review its submitted forms go through, in order; always starts with `unit`. */
  reviewChain: ReviewStep[];
  createdAt: string;
}

/** A 主管部门 (competent department): an organisation of its own, to which units belong. */
export interface Department {
  id: string;
  name: string;
  createdAt: string;
}

export interface DepartmentListing extends Department {
  /** Its units, by id. */
  unitIds: string[];
}

export interface UnitPatch {
  reviewChain?: ReviewStep[];
  /** Null unlinks the unit from its department. */
  departmentId?: string | null;
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  roles: Role[];
  unitIds: string[];
  departmentIds?: string[];
  email?: string | null;
}

export interface UserPatch {
  displayName?: string;
  roles?: Role[];
  unitIds?: string[];
  departmentIds?: string[];
  email?: string | null;
  active?: boolean;
  password?: string;
}

export interface UserRecord extends AuthenticatedUser {
  departmentIds: string[];
  email: string | null;
  active: boolean;
  createdAt: string;
}

/** What the API's guard needs of a user: who they are now, and which tokens still stand for them. */
export interface UserSession {
  user: AuthenticatedUser;
  /** Tokens carry the generation they were issued under; a password change or disabling moves it on. */
  tokenGeneration: number;
}

/** Units and users: the same operations for the admin API, the CLI and the demo seed. */
@Injectable()
export class Directory {
  /**
   * An unknown username is checked against this hash, so that it is answered as slowly as a wrong password
   * (cost 4 against real cost-10 hashes answered in 4 ms instead of 82 and told usernames apart). Made once,
   * at the cost of the newest stored hash (BCRYPT_ROUNDS when there is none).
   */
  private placeholder: Promise<string> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Optional() private readonly changes?: UserChangePublisher,
  ) {}

  /** A unit, linked to the 主管部门 of that name (created when there is none yet). */
  async createUnit(name: string, competentDepartment: string): Promise<Unit> {
    const unit = await this.dataSource.transaction(async (manager) => {
      const departmentId = await this.departmentNamed(competentDepartment, manager);
      const row = await Sql.of(manager).first<UnitRow>(
        `INSERT INTO units (id, name, competent_department, department_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO NOTHING RETURNING *`,
        [randomUUID(), name.trim(), competentDepartment.trim(), departmentId],
      );
      if (!row) throw new UnitNameTakenError(name);
      return toUnit(row);
    });
    await this.announceReviewersOf([unit.departmentId]);
    return unit;
  }

  /**
   * Matches a unit by its name or creates it, linked to the 主管部门 of that name (imports name units rather
   * than give their ids). `created`: this call made it, so whoever runs the transaction announces it once
   * committed (`announceReviewersOf`), as the department's reviewers now see one unit more.
   */
  async unitNamed(name: string, competentDepartment: string, manager: EntityManager = this.dataSource.manager): Promise<Unit & { created: boolean }> {
    const existing = await Sql.of(manager).first<UnitRow>('SELECT * FROM units WHERE name = $1', [name.trim()]);
    if (existing) return { ...toUnit(existing), created: false };
    const departmentId = await this.departmentNamed(competentDepartment, manager);
    const inserted = await Sql.of(manager).first<UnitRow>(
      `INSERT INTO units (id, name, competent_department, department_id) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING *`,
      [randomUUID(), name.trim(), competentDepartment.trim(), departmentId],
    );
    if (inserted) return { ...toUnit(inserted), created: true };
    const row = await Sql.of(manager).first<UnitRow>('SELECT * FROM units WHERE name = $1', [name.trim()]);
    return { ...toUnit(row!), created: false };
  }

  async listUnits(): Promise<Unit[]> {
    const rows = await Sql.of(this.dataSource).rows<UnitRow>('SELECT * FROM units ORDER BY created_at, name');
    return rows.map(toUnit);
  }

  /**
   * `lock: 'share'` (inside the caller's transaction) keeps the unit as read until that transaction ends: its
   * change (updateUnit, FOR UPDATE) waits for it, and it for a change under way.
   */
  async findUnit(id: string, manager: EntityManager = this.dataSource.manager, options: { lock?: 'share' } = {}): Promise<Unit | null> {
    const row = await Sql.of(manager).first<UnitRow>(`SELECT * FROM units WHERE id = $1${options.lock === 'share' ? ' FOR SHARE' : ''}`, [id]);
    return row ? toUnit(row) : null;
  }

  /**
   * Changes a unit's review chain or department. The chain must start with `unit`, name each step once, and
   * have a `department` step only while the unit has a department (review-chain.ts). A unit linked to a
   * department takes its name as its competentDepartment; the reviewers of the old and the new department
   * are announced, so that no API process keeps the units they saw. Unlinking is refused while forms of the unit
   * wait for the department step or are on their way to it (DEPARTMENT_STEP_PENDING): moving it to another
   * department hands them to that department's reviewers instead.
   */
  async updateUnit(id: string, patch: UnitPatch): Promise<Unit> {
    const { before, after } = await this.dataSource.transaction(async (manager) => {
      const sql = Sql.of(manager);
      const current = await sql.first<UnitRow>('SELECT * FROM units WHERE id = $1 FOR UPDATE', [id]);
      if (!current) throw new UnitNotFoundError(id);
      const departmentId = patch.departmentId === undefined ? current.department_id : patch.departmentId;
      const department = departmentId ? await sql.first<{ name: string }>('SELECT name FROM departments WHERE id = $1', [departmentId]) : null;
      if (departmentId && !department) throw new UnknownDepartmentError([departmentId]);
      const chain = patch.reviewChain ?? current.review_chain;
      // Unlinking under a chain that goes to the department: say which of the two has to change first.
      if (!patch.reviewChain && departmentId === null && chain.includes('department')) throw new InvalidReviewChainError('NO_DEPARTMENT', reviewChainMessage('DEPARTMENT_IN_CHAIN'));
      assertReviewChain(chain, departmentId !== null);
      if (current.department_id !== null && departmentId === null) await refuseWhileDepartmentReviewsPending(manager, id);
      const row = await sql.first<UnitRow>(
        `UPDATE units SET department_id = $2, review_chain = $3, competent_department = COALESCE($4, competent_department) WHERE id = $1 RETURNING *`,
        [id, departmentId, chain, departmentId !== current.department_id ? (department?.name ?? null) : null],
      );
      return { before: toUnit(current), after: toUnit(row!) };
    });
    if (before.departmentId !== after.departmentId) await this.announceReviewersOf([before.departmentId, after.departmentId]);
    return after;
  }

  async createDepartment(name: string): Promise<Department> {
    const row = await Sql.of(this.dataSource).first<DepartmentRow>(
      'INSERT INTO departments (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING *',
      [randomUUID(), name.trim()],
    );
    if (!row) throw new DepartmentNameTakenError(name.trim());
    return toDepartment(row);
  }

  /** Every department with its units' ids, by name. */
  async listDepartments(): Promise<DepartmentListing[]> {
    const rows = await Sql.of(this.dataSource).rows<DepartmentRow & { unit_ids: string[] }>(
      `SELECT d.*, ARRAY(SELECT u.id FROM units u WHERE u.department_id = d.id ORDER BY u.name) AS unit_ids FROM departments d ORDER BY d.name`,
    );
    return rows.map((r) => ({ ...toDepartment(r), unitIds: r.unit_ids }));
  }

  async departmentsExist(departmentIds: string[]): Promise<void> {
    if (departmentIds.length === 0) return;
    const rows = await Sql.of(this.dataSource).rows<{ id: string }>('SELECT id FROM departments WHERE id = ANY($1::uuid[])', [departmentIds]);
    const missing = departmentIds.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0) throw new UnknownDepartmentError(missing);
  }

  /**
   * THE answer to "who reviews this step of the unit's forms": the active reviewers the access table's `review step`
   * names (reviewsStepIn, libs/evaluation), read as SQL.
   * - `department`: the reviewers of the unit's 主管部门 (`department_ids` holds it); none while it has none.
   * - `unit`: the unit's own reviewers (`unit_ids` holds it) and, when `reach` is `everyone allowed`, also the
   *   reviewers who see every unit (UNIT_SCOPE), whom the table lets take any unit's unit step too.
   * `assigned` (the default) are the people the step belongs to: those its notices and reminders ask. `everyone
   * allowed` is whom a manager may hand it to (改派). Each comes with `departmentUnitIds`, so that the caller can ask
   * the access table about them. Pass the caller's transaction (`manager`) to read inside it.
   */
  async stepReviewers(unitId: string, step: string, options: { reach?: StepReviewerReach; manager?: EntityManager } = {}): Promise<UserRecord[]> {
    const seeAll = options.reach === 'everyone allowed' ? ROLES.filter((role) => UNIT_SCOPE[role] === 'all units') : [];
    const rows = await Sql.of(options.manager ?? this.dataSource.manager).rows<UserRow>(
      `SELECT users.*, ${DEPARTMENT_UNIT_IDS} FROM users JOIN units target ON target.id = $1
       WHERE users.active AND 'reviewer' = ANY(users.roles) AND CASE WHEN $2 = 'department'
         THEN target.department_id = ANY(users.department_ids)
         ELSE (target.id = ANY(users.unit_ids) OR users.roles && $3::text[]) END
       ORDER BY users.username`,
      [unitId, step, seeAll],
    );
    return rows.map(toUser);
  }

  /**
   * Announces every user of these departments (a unit joined or left them): their sessions hold the units of
   * their departments (departmentUnitIds). Call after the change is committed.
   */
  async announceReviewersOf(departmentIds: (string | null)[]): Promise<void> {
    const ids = [...new Set(departmentIds.filter((id): id is string => id !== null))];
    if (ids.length === 0 || !this.changes) return;
    const users = await Sql.of(this.dataSource).rows<{ id: string }>('SELECT id FROM users WHERE department_ids && $1::uuid[]', [ids]);
    await this.changes.announceAll(users.map((u) => u.id));
  }

  /** The id of the department of this name, created when there is none; null for a blank name. */
  private async departmentNamed(name: string, manager: EntityManager): Promise<string | null> {
    const trimmed = name.trim();
    if (!trimmed) return null;
    const sql = Sql.of(manager);
    await sql.rows('INSERT INTO departments (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [randomUUID(), trimmed]);
    return (await sql.first<{ id: string }>('SELECT id FROM departments WHERE name = $1', [trimmed]))!.id;
  }

  async unitsExist(unitIds: string[]): Promise<void> {
    if (unitIds.length === 0) return;
    const rows = await Sql.of(this.dataSource).rows<{ id: string }>('SELECT id FROM units WHERE id = ANY($1::uuid[])', [unitIds]);
    const missing = unitIds.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0) throw new UnknownUnitError(missing);
  }

  /**
   * Creates a user whose password passes the policy (password-policy.ts); only the demo seed passes
   * `exemptFromPasswordPolicy`, for its well-known demo password.
   */
  async createUser(input: NewUser, options: { exemptFromPasswordPolicy?: boolean } = {}): Promise<UserRecord> {
    if (!options.exemptFromPasswordPolicy) assertPasswordAllowed(input.password, input.username);
    const unitIds = [...new Set(input.unitIds)];
    const departmentIds = [...new Set(input.departmentIds ?? [])];
    await this.unitsExist(unitIds);
    await this.departmentsExist(departmentIds);
    const hash = await bcrypt.hash(input.password, this.config.bcryptRounds);
    const rows = await Sql.of(this.dataSource).rows<UserRow>(
      `INSERT INTO users (id, username, password_hash, display_name, roles, unit_ids, department_ids, email)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING RETURNING *`,
      [randomUUID(), input.username, hash, input.displayName, [...new Set(input.roles)], unitIds, departmentIds, input.email ?? null],
    );
    if (rows.length === 0) throw new UsernameTakenError(input.username);
    return toUser(rows[0]);
  }

  /**
   * Changes what an admin may change of a user. A new password (it must pass the policy) or `active: false`
   * moves the user's token generation on: every token issued before is refused from then on, in every API
   * process (the change is announced over Redis so that none of them goes on trusting what it cached).
   */
  async updateUser(id: string, patch: UserPatch): Promise<UserRecord> {
    if (patch.unitIds) await this.unitsExist([...new Set(patch.unitIds)]);
    if (patch.departmentIds) await this.departmentsExist([...new Set(patch.departmentIds)]);
    const current = await Sql.of(this.dataSource).first<{ username: string }>('SELECT username FROM users WHERE id = $1', [id]);
    if (!current) throw new UnknownUserError(id);
    if (patch.password !== undefined) assertPasswordAllowed(patch.password, current.username);
    const hash = patch.password !== undefined ? await bcrypt.hash(patch.password, this.config.bcryptRounds) : null;
    const rows = await this.dataSource.transaction(async (manager) => {
      if (patch.active !== false && (patch.roles || patch.unitIds || patch.departmentIds)) await refuseToStrandReviews(manager, id, patch);
      return Sql.of(manager).rows<UserRow>(
      `UPDATE users SET
         display_name = COALESCE($2, display_name),
         roles = COALESCE($3, roles),
         unit_ids = COALESCE($4, unit_ids),
         email = CASE WHEN $5::boolean THEN $6 ELSE email END,
         active = COALESCE($7, active),
         password_hash = COALESCE($8, password_hash),
         token_generation = token_generation + CASE WHEN $8::text IS NOT NULL OR $7::boolean IS FALSE THEN 1 ELSE 0 END,
         department_ids = COALESCE($9, department_ids)
       WHERE id = $1 RETURNING *`,
      [
        id,
        patch.displayName ?? null,
        patch.roles ? [...new Set(patch.roles)] : null,
        patch.unitIds ? [...new Set(patch.unitIds)] : null,
        patch.email !== undefined,
        patch.email ?? null,
        patch.active ?? null,
        hash,
        patch.departmentIds ? [...new Set(patch.departmentIds)] : null,
      ],
      );
    });
    await this.changes?.announce(id);
    return toUser(rows[0]);
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = await Sql.of(this.dataSource).rows<UserRow>('SELECT * FROM users ORDER BY created_at, username');
    return rows.map(toUser);
  }

  /** How the form names people (approvers, claimants, uploaders): id → display name, for the ids that exist. */
  async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await Sql.of(this.dataSource).rows<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])', [unique]);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const row = await Sql.of(this.dataSource).first<UserRow>('SELECT * FROM users WHERE id = $1 AND active', [id]);
    return row ? toUser(row) : null;
  }

  /** An active user and their token generation (null: no such user, or disabled), with the units of their departments. */
  async findSession(id: string): Promise<UserSession | null> {
    const r = await Sql.of(this.dataSource).first<UserRow>(
      `SELECT id, username, display_name, roles, unit_ids, department_ids, token_generation, ${DEPARTMENT_UNIT_IDS}
       FROM users WHERE id = $1 AND active`,
      [id],
    );
    if (!r) return null;
    return {
      user: { id: r.id, username: r.username, displayName: r.display_name, roles: r.roles, unitIds: r.unit_ids, departmentIds: r.department_ids, departmentUnitIds: r.department_unit_ids ?? [] },
      tokenGeneration: r.token_generation,
    };
  }

  /**
   * The user with this username and password, with the token generation a token issued now carries;
   * a disabled account is told so only after the right password.
   */
  async verifyCredentials(username: string, password: string): Promise<UserRecord & { tokenGeneration: number }> {
    const row = await Sql.of(this.dataSource).first<UserRow>(`SELECT *, ${DEPARTMENT_UNIT_IDS} FROM users WHERE username = $1`, [username]);
    const ok = await bcrypt.compare(password, row?.password_hash ?? (await this.placeholderHash()));
    if (!row || !ok) throw new InvalidCredentialsError();
    if (!row.active) throw new AccountDisabledError();
    return { ...toUser(row), tokenGeneration: row.token_generation };
  }

  /** The API makes it at start, so that not even the first unknown username is answered differently. */
  placeholderHash(): Promise<string> {
    if (!this.placeholder) {
      this.placeholder = (async () => {
        const latest = await Sql.of(this.dataSource).first<{ password_hash: string }>('SELECT password_hash FROM users ORDER BY created_at DESC LIMIT 1');
        const rounds = latest ? bcrypt.getRounds(latest.password_hash) : this.config.bcryptRounds;
        return bcrypt.hash('not-a-password', rounds);
      })();
      this.placeholder.catch(() => (this.placeholder = null));
    }
    return this.placeholder;
  }

  async countUsers(): Promise<number> {
    const row = await Sql.of(this.dataSource).first<{ n: string }>('SELECT count(*) AS n FROM users');
    return Number(row!.n);
  }
}

/** Whose review of a step `Directory.stepReviewers` names: the step's own reviewers, or everyone the access table lets take it. */
export type StepReviewerReach = 'assigned' | 'everyone allowed';

/**
 * Unlinking a unit from its 主管部门 would strand the forms submitted with a chain that still has the department step
 * ahead or at hand: nobody could review them (a manager reassigns only to a step's reviewers). Run under the unit's
 * row lock (FOR UPDATE): a submission copies the chain under FOR SHARE of the same row (SubmitEvaluationHandler), so
 * no form joins them between this check and the update, and one that is submitted after it copies the new chain.
 */
async function refuseWhileDepartmentReviewsPending(manager: EntityManager, unitId: string): Promise<void> {
  const rows = await Sql.of(manager).rows<{ pending: string; project_name: string }>(
    `SELECT count(*) OVER () AS pending, project_name FROM evaluations
     WHERE unit_id = $1 AND status = 'Submitted' AND state->'review'->'chain' @> '["department"]'::jsonb
     ORDER BY submitted_at, project_name LIMIT $2`,
    [unitId, PENDING_NAMED],
  );
  if (rows.length > 0) throw new DepartmentStepPendingError(unitId, Number(rows[0].pending), rows.map((r) => r.project_name));
}

/** One change of reviewers at a time (pg_advisory_xact_lock): two admins each taking away one of a step's last two reviewers cannot both pass. */
const REVIEWER_CHANGES_LOCK = 7_351_902;

/**
 * A user change that takes a reviewer's role, units or departments away must leave someone who may review every
 * step at which forms wait now (LAST_STEP_REVIEWER otherwise): at the unit step the unit's reviewers and the
 * reviewers who see every unit (whom a manager may hand it to), at the department step the reviewers of the
 * unit's 主管部门 — `Directory.stepReviewers` with `everyone allowed`, read as SQL for the forms at once.
 * Runs in the change's transaction, after the lock above, with the user's row locked.
 */
async function refuseToStrandReviews(manager: EntityManager, userId: string, patch: UserPatch): Promise<void> {
  const seeAll = ROLES.filter((role) => UNIT_SCOPE[role] === 'all units');
  // Who may take the form's current step: a reviewer of its unit (or of every unit) or of its 主管部门, who is not one
  // of its authors and approved none of its earlier steps (the rules the review queue reads too, review-bar.ts).
  const reviews = (roles: string, units: string, departments: string, id: string) =>
    `('reviewer' = ANY(${roles}) AND CASE WHEN e.review_step = 'department' THEN un.department_id = ANY(${departments})
       ELSE (e.unit_id = ANY(${units}) OR ${roles} && $5::text[]) END
      AND ${notAuthorOf(`${id}::text`)} AND ${notEarlierApproverOf(`${id}::text`)})`;
  await Sql.of(manager).execute(`SELECT pg_advisory_xact_lock(${REVIEWER_CHANGES_LOCK})`);
  const rows = await Sql.of(manager).rows<{ pending: string; project_name: string }>(
    `WITH me AS (SELECT * FROM users WHERE id = $1 AND active FOR UPDATE),
          after AS (SELECT COALESCE($2::text[], me.roles) AS roles, COALESCE($3::uuid[], me.unit_ids) AS unit_ids,
                           COALESCE($4::uuid[], me.department_ids) AS department_ids FROM me)
     SELECT count(*) OVER () AS pending, e.project_name
     FROM evaluations e JOIN units un ON un.id = e.unit_id CROSS JOIN me CROSS JOIN after
     WHERE e.status = 'Submitted'
       AND ${reviews('me.roles', 'me.unit_ids', 'me.department_ids', 'me.id')}
       AND NOT ${reviews('after.roles', 'after.unit_ids', 'after.department_ids', 'me.id')}
       AND NOT EXISTS (SELECT 1 FROM users v WHERE v.id <> me.id AND v.active AND ${reviews('v.roles', 'v.unit_ids', 'v.department_ids', 'v.id')})
     ORDER BY e.submitted_at, e.project_name LIMIT $6`,
    [userId, patch.roles ? [...new Set(patch.roles)] : null, patch.unitIds ? [...new Set(patch.unitIds)] : null, patch.departmentIds ? [...new Set(patch.departmentIds)] : null, seeAll, PENDING_NAMED],
  );
  if (rows.length > 0) throw new LastStepReviewerError(userId, Number(rows[0].pending), rows.map((r) => r.project_name));
}

/** How many of the forms a DEPARTMENT_STEP_PENDING refusal names. */
const PENDING_NAMED = 3;

/** The units of a user's departments, as a column of a statement over `users`. */
const DEPARTMENT_UNIT_IDS = `ARRAY(SELECT un.id FROM units un WHERE un.department_id = ANY(users.department_ids) ORDER BY un.id) AS department_unit_ids`;

interface UnitRow {
  id: string;
  name: string;
  competent_department: string;
  department_id: string | null;
  review_chain: ReviewStep[];
  created_at: Date;
}

interface DepartmentRow {
  id: string;
  name: string;
  created_at: Date;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  display_name: string;
  roles: Role[];
  unit_ids: string[];
  department_ids: string[];
  /** Only where the statement asks for it (DEPARTMENT_UNIT_IDS). */
  department_unit_ids?: string[];
  email: string | null;
  active: boolean;
  token_generation: number;
  created_at: Date;
}

function toUnit(r: UnitRow): Unit {
  return {
    id: r.id,
    name: r.name,
    competentDepartment: r.competent_department,
    departmentId: r.department_id,
    reviewChain: r.review_chain,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

function toDepartment(r: DepartmentRow): Department {
  return { id: r.id, name: r.name, createdAt: new Date(r.created_at).toISOString() };
}

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    unitIds: r.unit_ids,
    departmentIds: r.department_ids,
    ...(r.department_unit_ids ? { departmentUnitIds: r.department_unit_ids } : {}),
    email: r.email,
    active: r.active,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
