import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { Sql } from '#perf-eval/persistence';
import { TestDatabase } from './support/test-database.js';

describe('Sql', () => {
  const db = new TestDatabase();
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await db.create();
    await dataSource.query('CREATE TABLE sql_probe (id integer PRIMARY KEY, label text NOT NULL)');
    await dataSource.query(`INSERT INTO sql_probe VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('answers the rows of a SELECT', async () => {
    expect(await Sql.of(dataSource).rows<{ id: number }>('SELECT id FROM sql_probe ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('answers the rows of an UPDATE … RETURNING as rows, not TypeORM’s [rows, affected]', async () => {
    const rows = await Sql.of(dataSource).rows<{ id: number; label: string }>(`UPDATE sql_probe SET label = label || '!' WHERE id = ANY($1::int[]) RETURNING id, label`, [[1, 2]]);
    expect(rows.sort((x, y) => x.id - y.id)).toEqual([
      { id: 1, label: 'a!' },
      { id: 2, label: 'b!' },
    ]);
  });

  it('answers the first row, or null when there is none', async () => {
    expect(await Sql.of(dataSource).first(`UPDATE sql_probe SET label = 'z' WHERE id = 3 RETURNING label`)).toEqual({ label: 'z' });
    expect(await Sql.of(dataSource).first(`UPDATE sql_probe SET label = 'z' WHERE id = 99 RETURNING label`)).toBeNull();
  });

  it('counts the rows an UPDATE, an INSERT or a DELETE touched', async () => {
    const sql = Sql.of(dataSource);
    expect(await sql.affected(`UPDATE sql_probe SET label = label WHERE id <= 2`)).toBe(2);
    expect(await sql.affected(`INSERT INTO sql_probe VALUES (4, 'd')`)).toBe(1);
    expect(await sql.affected(`DELETE FROM sql_probe WHERE id = 99`)).toBe(0);
  });

  it('runs on the transaction’s connection when given its manager: a rollback undoes it', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await Sql.of(manager).affected(`UPDATE sql_probe SET label = 'rolled back' WHERE id = 1`);
        expect(await Sql.of(manager).first(`SELECT label FROM sql_probe WHERE id = 1`)).toEqual({ label: 'rolled back' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await Sql.of(dataSource).first(`SELECT label FROM sql_probe WHERE id = 1`)).toEqual({ label: 'a!' });
  });

  it('runs outside any transaction with the default manager', async () => {
    expect(await Sql.of(dataSource.manager).rows('SELECT count(*)::int AS n FROM sql_probe')).toEqual([{ n: 4 }]);
  });

  it('runs a statement for its effect alone, outside a transaction too (VACUUM refuses to run inside one)', async () => {
    const sql = Sql.of(dataSource);
    await expect(sql.execute(`UPDATE sql_probe SET label = 'e' WHERE id = $1`, [4])).resolves.toBeUndefined();
    expect(await sql.first(`SELECT label FROM sql_probe WHERE id = 4`)).toEqual({ label: 'e' });
    await expect(sql.execute('VACUUM sql_probe')).resolves.toBeUndefined();
  });

  it('runs on a query runner’s own connection through its manager: a cursor declared there is fetched there', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const sql = Sql.of(runner.manager);
      await sql.execute('DECLARE probe_cursor NO SCROLL CURSOR FOR SELECT id FROM sql_probe WHERE id > $1 ORDER BY id', [1]);
      expect(await sql.rows('FETCH 2 FROM probe_cursor')).toEqual([{ id: 2 }, { id: 3 }]);
      expect(await sql.rows('FETCH 2 FROM probe_cursor')).toEqual([{ id: 4 }]);
      expect(runner.isReleased).toBe(false);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
