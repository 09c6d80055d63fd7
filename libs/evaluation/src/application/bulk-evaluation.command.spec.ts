import { describe, expect, it } from '@jest/globals';
import type { Command, CommandBus } from '@nestjs/cqrs';
import type { AuthenticatedUser, Role } from '#perf-eval/identity';
import { DependencyUnavailableError } from '#perf-eval/persistence';
import { IllegalTransitionError, VersionConflictError } from '../domain/evaluation.errors.js';
import { ApproveEvaluationCommand } from './approve-evaluation.command.js';
import { BulkEvaluationCommand, BulkEvaluationHandler, type BulkInstruction } from './bulk-evaluation.command.js';
import type { EvaluationRef } from './evaluation-command.runner.js';
import { PublishEvaluationCommand } from './publish-evaluation.command.js';
import { ReturnEvaluationCommand } from './return-evaluation.command.js';

const person = (roles: Role[]): AuthenticatedUser => ({ id: 'p', username: 'p', displayName: 'p', roles, unitIds: ['unit'] });
const reviewer = person(['reviewer']);
const items = (...ids: string[]) => ids.map((id) => ({ id, expectedVersion: 2 }));

/**
 * The single commands' answers by form id (the e2e spec runs the real ones): a form not listed is done, a listed
 * one throws what is listed. Remembers what it was asked to run, in order.
 */
class ScriptedBus {
  readonly ran: Command<EvaluationRef>[] = [];
  constructor(private readonly throws: Record<string, unknown> = {}) {}

  async execute(command: Command<EvaluationRef>): Promise<EvaluationRef> {
    this.ran.push(command);
    const { id, expectedVersion } = command as unknown as { id: string; expectedVersion: number };
    if (id in this.throws) throw this.throws[id];
    return { id, status: 'Reviewed', version: expectedVersion + 1, scores: null, findings: null };
  }
}

function bulk(bus: ScriptedBus, instruction: BulkInstruction, ids: string[], user = reviewer) {
  return new BulkEvaluationHandler(bus as unknown as CommandBus).execute(new BulkEvaluationCommand(user, instruction, items(...ids)));
}

describe('BulkEvaluationHandler', () => {
  it('runs the single command of each form, in the order given, and answers each outcome in that order', async () => {
    const bus = new ScriptedBus({ b: new VersionConflictError(2, 3), d: new IllegalTransitionError('Draft', 'approve') });
    const { results } = await bulk(bus, { action: 'approve', comment: '同意' }, ['a', 'b', 'c', 'd', 'e']);
    expect(bus.ran.map((c) => (c as ApproveEvaluationCommand).id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(bus.ran.every((c) => c instanceof ApproveEvaluationCommand && c.comment === '同意' && c.user === reviewer)).toBe(true);
    expect(results).toEqual([
      { id: 'a', ok: true, status: 'Reviewed', version: 3 },
      { id: 'b', ok: false, code: 'VERSION_CONFLICT', message: new VersionConflictError(2, 3).message },
      { id: 'c', ok: true, status: 'Reviewed', version: 3 },
      { id: 'd', ok: false, code: 'ILLEGAL_TRANSITION', message: '当前状态「草稿」不允许执行「审核通过」' },
      { id: 'e', ok: true, status: 'Reviewed', version: 3 },
    ]);
  });

  it('gives every form of a return the same comments, and every form of a publish its own command', async () => {
    const returning = new ScriptedBus();
    const comments = [{ target: null, text: '请补充佐证材料' }];
    await bulk(returning, { action: 'return', comments }, ['a', 'b']);
    expect(returning.ran.map((c) => c instanceof ReturnEvaluationCommand && c.comments)).toEqual([comments, comments]);
    const publishing = new ScriptedBus();
    await bulk(publishing, { action: 'publish' }, ['a', 'b'], person(['manager']));
    expect(publishing.ran.map((c) => c instanceof PublishEvaluationCommand && c.id)).toEqual(['a', 'b']);
  });

  it('does not turn a fault into an answer: it ends the request, and the forms after it are not attempted', async () => {
    const fault = new TypeError("Cannot read properties of undefined (reading 'form')");
    const bus = new ScriptedBus({ b: fault });
    await expect(bulk(bus, { action: 'approve', comment: null }, ['a', 'b', 'c'])).rejects.toBe(fault);
    expect(bus.ran).toHaveLength(2);
  });

  it('treats an outage as the request’s failure (503), not as a refusal of one form', async () => {
    const outage = new DependencyUnavailableError('database', 'ECONNREFUSED');
    const bus = new ScriptedBus({ a: outage });
    await expect(bulk(bus, { action: 'approve', comment: null }, ['a', 'b'])).rejects.toBe(outage);
    expect(bus.ran).toHaveLength(1);
  });

  it('refuses as a whole, touching no form, a person whose roles grant the action nowhere', async () => {
    const bus = new ScriptedBus();
    await expect(bulk(bus, { action: 'publish' }, ['a'], reviewer)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bulk(bus, { action: 'approve', comment: null }, ['a'], person(['drafter', 'manager']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(bus.ran).toEqual([]);
  });

  it('refuses as a whole a return without a comment that says something, as a single return is refused', async () => {
    const bus = new ScriptedBus();
    for (const comments of [[], [{ target: null, text: '  ' }]]) {
      await expect(bulk(bus, { action: 'return', comments }, ['a'])).rejects.toMatchObject({ code: 'RETURN_COMMENT_REQUIRED', message: '退回表单须至少填写一条意见' });
    }
    expect(bus.ran).toEqual([]);
  });
});
