import { Logger } from '@nestjs/common';
import { CommandBus, CommandHandler, Command, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, type ErrorCode } from '#perf-eval/errors';
import type { AuthenticatedUser } from '#perf-eval/identity';
import { DependencyUnavailableError } from '#perf-eval/persistence';
import type { EvaluationStatus, ReturnCommentInput } from '../domain/evaluation.js';
import { ReturnCommentRequiredError } from '../domain/evaluation.errors.js';
import { ApproveEvaluationCommand } from './approve-evaluation.command.js';
import { assertMay } from './evaluation-access.js';
import type { EvaluationRef } from './evaluation-command.runner.js';
import { PublishEvaluationCommand } from './publish-evaluation.command.js';
import { ReturnEvaluationCommand } from './return-evaluation.command.js';

/** The most forms one bulk request may name. */
export const BULK_MAX_ITEMS = 200;

/** One form of a bulk request, at the version the person saw it. */
export interface BulkItem {
  id: string;
  expectedVersion: number;
}

/** What a bulk request does to each of its forms: one of the single commands, with the same input for all. */
export type BulkInstruction =
  | { action: 'approve'; comment: string | null }
  | { action: 'return'; comments: ReturnCommentInput[] }
  | { action: 'publish' };

export type BulkAction = BulkInstruction['action'];

/** Each form's outcome, in the order given: where it stands now, or the refusal it would have had alone. */
export type BulkItemResult =
  | { id: string; ok: true; status: EvaluationStatus; version: number }
  | { id: string; ok: false; code: ErrorCode; message: string };

export interface BulkResults {
  results: BulkItemResult[];
}

export class BulkEvaluationCommand extends Command<BulkResults> {
  constructor(
    readonly user: AuthenticatedUser,
    readonly instruction: BulkInstruction,
    readonly items: readonly BulkItem[],
  ) {
    super();
  }
}

/**
 * Runs the single command of each item through the command bus, one after another: every form gets the checks
 * it would get alone (visibility, role, state, self-review, version) in its own transaction, so a refused form
 * stops none of the others. Refused as a whole, before any form is touched: a person whose roles grant the
 * action nowhere (403), a return without a comment (422).
 */
@CommandHandler(BulkEvaluationCommand)
export class BulkEvaluationHandler implements ICommandHandler<BulkEvaluationCommand, BulkResults> {
  private readonly logger = new Logger('BulkEvaluation');

  constructor(private readonly commands: CommandBus) {}

  async execute({ user, instruction, items }: BulkEvaluationCommand): Promise<BulkResults> {
    assertMay(user, instruction.action);
    if (instruction.action === 'return' && !instruction.comments.some((c) => c.text.trim().length > 0)) throw new ReturnCommentRequiredError();
    const results: BulkItemResult[] = [];
    for (const item of items) {
      try {
        const ref = await this.commands.execute(singleCommand(user, instruction, item));
        results.push({ id: item.id, ok: true, status: ref.status, version: ref.version });
      } catch (error) {
        // A refusal is this form's answer. Anything else (an outage, a fault) is not about the form: it ends the
        // request with its own status; the forms before it stay done, each in its own committed transaction.
        if (!isRefusal(error)) {
          this.logger.warn(`bulk ${instruction.action} by ${user.id} stopped at form ${item.id} (${results.length + 1} of ${items.length}); the ${results.filter((r) => r.ok).length} done before it stay done`);
          throw error;
        }
        results.push({ id: item.id, ok: false, code: error.code, message: error.message });
      }
    }
    return { results };
  }
}

function isRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && !(error instanceof DependencyUnavailableError);
}

function singleCommand(user: AuthenticatedUser, instruction: BulkInstruction, { id, expectedVersion }: BulkItem): Command<EvaluationRef> {
  switch (instruction.action) {
    case 'approve':
      return new ApproveEvaluationCommand(id, user, expectedVersion, instruction.comment);
    case 'return':
      return new ReturnEvaluationCommand(id, user, expectedVersion, instruction.comments);
    case 'publish':
      return new PublishEvaluationCommand(id, user, expectedVersion);
    default:
      return instruction satisfies never;
  }
}
