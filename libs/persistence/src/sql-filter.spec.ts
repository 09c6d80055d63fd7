import { describe, expect, it } from '@jest/globals';
import { SqlFilter } from './sql-filter.js';

describe('SqlFilter', () => {
  it('numbers the placeholders of each clause after the ones before it', () => {
    const sql = new SqlFilter().add('e.status = ?', 'Submitted').addEach('(e.unit_id = ANY(?) OR e.unit_id = ANY(?))', ['a'], ['b']).add('e.fiscal_year = ?', 2021);
    expect(sql.where).toBe('WHERE e.status = $1 AND (e.unit_id = ANY($2) OR e.unit_id = ANY($3)) AND e.fiscal_year = $4');
    expect(sql.params).toEqual(['Submitted', ['a'], ['b'], 2021]);
    expect(sql.next()).toBe('$5');
  });

  it('refuses a clause whose placeholders and values do not match, adding nothing', () => {
    const sql = new SqlFilter().add('x = ?', 0);
    expect(() => sql.addEach('a = ? AND b = ?', 1)).toThrow('more placeholders than values');
    expect(() => sql.addEach('a = ?', 1, 2)).toThrow('2 values for 1 placeholders');
    expect([sql.where, sql.params]).toEqual(['WHERE x = $1', [0]]);
  });
});
