import { randomUUID } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import bcrypt from 'bcryptjs';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { Sql } from '#perf-eval/persistence';
import { AccountDisabledError, InvalidCredentialsError, UnitNameTakenError, UnknownUnitError, UnknownUserError, UsernameTakenError } from './identity.errors.js';
import type { AuthenticatedUser, Role } from './roles.js';
import { assertPasswordAllowed } from './password-policy.js';
import { UserChangePublisher } from './user-changes.js';

export interface Unit {
  id: string;
  name: string;
  competentDepartment: string;
  createdAt: string;
}

export interface NewUser {
  username: string;
  password: string;
  displayName: string;
  roles: Role[];
  unitIds: string[];
  email?: string | null;
}

export interface UserPatch {
  displayName?: string;
  roles?: Role[];
  unitIds?: string[];
  email?: string | null;
  active?: boolean;
  password?: string;
}

export interface UserRecord extends AuthenticatedUser {
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

  async createUnit(name: string, competentDepartment: string): Promise<Unit> {
    const id = randomUUID();
    const rows: UnitRow[] = await this.dataSource.query(
      `INSERT INTO units (id, name, competent_department) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING id, name, competent_department, created_at`,
      [id, name.trim(), competentDepartment.trim()],
    );
    if (rows.length === 0) throw new UnitNameTakenError(name);
    return toUnit(rows[0]);
  }

  /** Matches a unit by its name or creates it (imports name units rather than give their ids). */
  async unitNamed(name: string, competentDepartment: string, manager: EntityManager = this.dataSource.manager): Promise<Unit> {
    await manager.query(
      `INSERT INTO units (id, name, competent_department) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
      [randomUUID(), name.trim(), competentDepartment.trim()],
    );
    const rows: UnitRow[] = await manager.query('SELECT * FROM units WHERE name = $1', [name.trim()]);
    return toUnit(rows[0]);
  }

  async listUnits(): Promise<Unit[]> {
    const rows: UnitRow[] = await this.dataSource.query('SELECT * FROM units ORDER BY created_at, name');
    return rows.map(toUnit);
  }

  async unitsExist(unitIds: string[]): Promise<void> {
    if (unitIds.length === 0) return;
    const rows: { id: string }[] = await this.dataSource.query('SELECT id FROM units WHERE id = ANY($1::uuid[])', [unitIds]);
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
    await this.unitsExist(unitIds);
    const hash = await bcrypt.hash(input.password, this.config.bcryptRounds);
    const rows: UserRow[] = await this.dataSource.query(
      `INSERT INTO users (id, username, password_hash, display_name, roles, unit_ids, email)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING *`,
      [randomUUID(), input.username, hash, input.displayName, [...new Set(input.roles)], unitIds, input.email ?? null],
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
    const current: { username: string }[] = await this.dataSource.query('SELECT username FROM users WHERE id = $1', [id]);
    if (!current[0]) throw new UnknownUserError(id);
    if (patch.password !== undefined) assertPasswordAllowed(patch.password, current[0].username);
    const hash = patch.password !== undefined ? await bcrypt.hash(patch.password, this.config.bcryptRounds) : null;
    const rows = await Sql.of(this.dataSource).rows<UserRow>(
      `UPDATE users SET
         display_name = COALESCE($2, display_name),
         roles = COALESCE($3, roles),
         unit_ids = COALESCE($4, unit_ids),
         email = CASE WHEN $5::boolean THEN $6 ELSE email END,
         active = COALESCE($7, active),
         password_hash = COALESCE($8, password_hash),
         token_generation = token_generation + CASE WHEN $8::text IS NOT NULL OR $7::boolean IS FALSE THEN 1 ELSE 0 END
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
      ],
    );
    await this.changes?.announce(id);
    return toUser(rows[0]);
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows: UserRow[] = await this.dataSource.query('SELECT * FROM users ORDER BY created_at, username');
    return rows.map(toUser);
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE id = $1 AND active', [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** An active user and their token generation (null: no such user, or disabled). */
  async findSession(id: string): Promise<UserSession | null> {
    const rows: UserRow[] = await this.dataSource.query(
      'SELECT id, username, display_name, roles, unit_ids, token_generation FROM users WHERE id = $1 AND active',
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return { user: { id: r.id, username: r.username, displayName: r.display_name, roles: r.roles, unitIds: r.unit_ids }, tokenGeneration: r.token_generation };
  }

  async usersWithRoleInUnit(role: Role, unitId: string): Promise<UserRecord[]> {
    const rows: UserRow[] = await this.dataSource.query(
      'SELECT * FROM users WHERE active AND $1 = ANY(roles) AND $2 = ANY(unit_ids) ORDER BY username',
      [role, unitId],
    );
    return rows.map(toUser);
  }

  /**
   * The user with this username and password, with the token generation a token issued now carries;
   * a disabled account is told so only after the right password.
   */
  async verifyCredentials(username: string, password: string): Promise<UserRecord & { tokenGeneration: number }> {
    const rows: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE username = $1', [username]);
    const ok = await bcrypt.compare(password, rows[0]?.password_hash ?? (await this.placeholderHash()));
    if (!rows[0] || !ok) throw new InvalidCredentialsError();
    if (!rows[0].active) throw new AccountDisabledError();
    return { ...toUser(rows[0]), tokenGeneration: rows[0].token_generation };
  }

  /** The API makes it at start, so that not even the first unknown username is answered differently. */
  placeholderHash(): Promise<string> {
    if (!this.placeholder) {
      this.placeholder = (async () => {
        const rows: { password_hash: string }[] = await this.dataSource.query('SELECT password_hash FROM users ORDER BY created_at DESC LIMIT 1');
        const rounds = rows[0] ? bcrypt.getRounds(rows[0].password_hash) : this.config.bcryptRounds;
        return bcrypt.hash('not-a-password', rounds);
      })();
      this.placeholder.catch(() => (this.placeholder = null));
    }
    return this.placeholder;
  }

  async countUsers(): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query('SELECT count(*) AS n FROM users');
    return Number(rows[0].n);
  }
}

interface UnitRow {
  id: string;
  name: string;
  competent_department: string;
  created_at: Date;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  display_name: string;
  roles: Role[];
  unit_ids: string[];
  email: string | null;
  active: boolean;
  token_generation: number;
  created_at: Date;
}

function toUnit(r: UnitRow): Unit {
  return { id: r.id, name: r.name, competentDepartment: r.competent_department, createdAt: new Date(r.created_at).toISOString() };
}

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    unitIds: r.unit_ids,
    email: r.email,
    active: r.active,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
