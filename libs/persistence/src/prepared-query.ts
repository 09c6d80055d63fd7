import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** The part of pg's Pool this uses. */
interface PgPool {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** Statement texts → their prepared-statement names; a handful of texts, never built from data. */
const names = new Map<string, string>();
const MAX_NAMES = 1000;

/**
 * Runs a statement of the command path as a named prepared statement on the DataSource's pg pool: each
 * connection parses and plans it once, then only binds the parameters. The appendAndMove statement
 * costs PostgreSQL ~0.45 ms of CPU unprepared and ~0.26 ms prepared; the board's and the lists' queries
 * spend 0.5–1 ms planning each (eleven indexes on evaluations to consider), prepared next to nothing.
 * Bypasses TypeORM's query runner, so never use it inside a TypeORM transaction (it takes a pool
 * connection of its own). `text` must be a constant shape: values travel as parameters only.
 */
export async function preparedQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<{ rows: T[]; rowCount: number }> {
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMES) {
    name = `pe_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  const result = await pool.query(name ? { name, text, values } : { text, values });
  return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
}

/** The rows of a read as a prepared statement (see preparedQuery): for query handlers outside transactions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- like DataSource.query, the caller names the row type
export async function readQuery<T = any>(dataSource: DataSource, text: string, values: unknown[] = []): Promise<T[]> {
  return (await preparedQuery<T>(dataSource, text, values)).rows;
}

/**
 * A page read in two statements: `pageText` finds the page's ids (in its order, with LIMIT and OFFSET),
 * `rowsText` reads those rows (`WHERE … id = ANY($1::uuid[])`), answered in the ids' order; a row gone
 * between the two is left out. One statement that did both was planned afresh on every execution
 * (PostgreSQL cannot know how many rows a LIMIT parameter lets through, and its generic plan hashes the
 * whole table): 0.6–0.9 ms of planning per page at 100k forms. Apart, the ids statement is small to plan
 * and the rows statement keeps its generic plan (by primary key).
 */
export async function readPage<T extends { id: string }>(dataSource: DataSource, pageText: string, pageValues: unknown[], rowsText: string): Promise<T[]> {
  const ids = (await readQuery<{ id: string }>(dataSource, pageText, pageValues)).map((r) => r.id);
  if (ids.length === 0) return [];
  const byId = new Map((await readQuery<T>(dataSource, rowsText, [ids])).map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
