/** A WHERE clause built from optional filters, with numbered parameters. */
export class SqlFilter {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  /** `clause` holds one `?` for `value`. */
  add(clause: string, value: unknown): this {
    this.params.push(value);
    this.clauses.push(clause.replace('?', `$${this.params.length}`));
    return this;
  }

  /** `clause` holds one `?` per value, in order. */
  addEach(clause: string, ...values: unknown[]): this {
    const placeholders = clause.split('?').length - 1;
    if (placeholders > values.length) throw new Error(`SqlFilter: more placeholders than values in ${clause}`);
    if (placeholders < values.length) throw new Error(`SqlFilter: ${values.length} values for ${placeholders} placeholders in ${clause}`);
    let next = 0;
    this.clauses.push(clause.replace(/\?/g, () => `$${this.params.push(values[next++])}`));
    return this;
  }

  /** A clause without parameters. */
  raw(clause: string): this {
    this.clauses.push(clause);
    return this;
  }

  addIf(condition: unknown, clause: string, value: unknown): this {
    return condition ? this.add(clause, value) : this;
  }

  get where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }

  /** The placeholder of the next parameter (for LIMIT/OFFSET after the filter). */
  next(offset = 1): string {
    return `$${this.params.length + offset}`;
  }
}
