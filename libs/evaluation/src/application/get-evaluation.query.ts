import { isUuid, readQuery } from '#perf-eval/persistence';
import { QueryHandler, Query, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { Directory, type AuthenticatedUser } from '#perf-eval/identity';
import type { EvaluationState } from '../domain/evaluation.js';
import { describeFormPath } from '../domain/form-path.js';
import { APPLICABLE_CYCLE_COLUMNS, APPLICABLE_CYCLE_JOINS, OPEN_CYCLE_BY_YEAR_CTE, toApplicableDeadline, type ApplicableCycleColumns, type ApplicableDeadline } from '#perf-eval/cycles';
import type { Finding } from '../scoring/finding.js';
import { placeFindings, type PlacedFinding } from '../scoring/finding-place.js';
import type { EvaluationScores } from '../scoring/score-evaluation.js';
import { assertVisible, offeredActions } from './evaluation-access.js';
import { submissionGaps, type SubmissionGap } from '../domain/submission-gaps.js';
import { currentStep, verificationFindings, verifiedTotal, type VerifiedRow } from '../domain/review.js';

/** A person as the form names them. */
export interface PersonRef {
  id: string;
  name: string | null;
}

/**
 * Where the submission stands in its review chain: `step` is 1-based (the step reviewing now; `of` + 1 once all
 * approved), `name` the step (`unit` 单位审核 / `department` 主管部门审核, null once all approved).
 */
export interface ReviewView {
  step: number;
  of: number;
  name: string | null;
  chain: string[];
  approvals: { step: number; name: string; by: PersonRef; at: string; comment: string | null }[];
  claimedBy: PersonRef | null;
  claimedAt: string | null;
  assignedBy: PersonRef | null;
}

/** The last 核查分 recorded, row by row beside the 自评得分, with who verified it at which step. */
export interface VerificationView {
  rows: VerifiedRow[];
  by: PersonRef;
  at: string;
  step: number;
  stepName: string;
  formVersion: number;
  complete: boolean;
  indicatorTotal: number | null;
  /** The budget execution score plus the verified indicator scores, when every row was verified. */
  total: number | null;
}

export interface EvaluationView {
  id: string;
  status: EvaluationState['status'];
  version: number;
  revision: number;
  returned: boolean;
  form: EvaluationState['form'];
  /**
   * The scoring of `scoring.scoredVersion`: recorded by the command that changed the form (so current
   * as soon as the command answered), or by the worker after a bulk recompute or a change of rules.
   */
  scores: EvaluationScores | null;
  /** Each with `place`, the Chinese label of its path. */
  findings: PlacedFinding[] | null;
  /** What a Draft still needs before it can be submitted (submission-gaps.ts); [] for other states and revisions. */
  missing: SubmissionGap[];
  /** pending: the scores are of an older form version (only for forms written before commands scored them, until the worker's start-up rescoring). */
  scoring: { formVersion: number; scoredVersion: number | null; pending: boolean };
  /** Each targeted comment with `place`, the Chinese label of its target. */
  comments: (EvaluationState['comments'][number] & { place: string | null })[];
  /** What this user may do now: their roles, the state, and the self-review rule (never review what you wrote). */
  allowedActions: string[];
  /** When the current submission happened (null while a Draft). */
  submittedAt: string | null;
  /** The deadline that applies now (a Draft's submission deadline, a Submitted form's review deadline). */
  deadline: ApplicableDeadline | null;
  /** The review chain of the current submission (null for a Draft, and for forms approved before chains). */
  review: ReviewView | null;
  verification: VerificationView | null;
  ruleSetId: string;
  origin: EvaluationState['origin'];
  createdBy: string;
  lastEditedBy: string;
  createdAt: string;
  updatedAt: string;
  publishedRevisions: number[];
}

export class GetEvaluationQuery extends Query<EvaluationView> {
  constructor(
    readonly id: string,
    readonly user: AuthenticatedUser,
    readonly revision?: number,
  ) {
    super();
  }
}

@QueryHandler(GetEvaluationQuery)
export class GetEvaluationHandler implements IQueryHandler<GetEvaluationQuery, EvaluationView> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: Directory,
  ) {}

  async execute({ id, user, revision }: GetEvaluationQuery): Promise<EvaluationView> {
    const rows: Row[] =
      isUuid(id)
        ? await readQuery(this.dataSource, 
            `WITH ${OPEN_CYCLE_BY_YEAR_CTE}
             SELECT e.state, e.scores, e.findings, e.scored_version, e.submitted_at, ${APPLICABLE_CYCLE_COLUMNS},
               (SELECT array_agg(r.revision ORDER BY r.revision) FROM evaluation_revisions r WHERE r.evaluation_id = e.id) AS revisions
             FROM evaluations e ${APPLICABLE_CYCLE_JOINS} WHERE e.id = $1`,
            [id],
          )
        : [];
    const row = rows[0];
    assertVisible(user, row?.state ?? null, id);
    let { state, scores, findings, scored_version: scoredVersion } = row;
    if (revision !== undefined && revision !== state.revision) {
      const published: Row[] = await readQuery(this.dataSource, 
        `SELECT r.state, s.scores, s.findings, s.form_version AS scored_version FROM evaluation_revisions r
         LEFT JOIN evaluation_scorings s ON s.evaluation_id = r.evaluation_id AND s.form_version = r.form_version AND s.rule_set_id = r.state->>'ruleSetId'
         WHERE r.evaluation_id = $1 AND r.revision = $2
         ORDER BY s.recorded_at DESC NULLS LAST LIMIT 1`,
        [id, revision],
      );
      if (!published[0]) assertVisible(user, null, `${id}@${revision}`);
      ({ state, scores, findings, scored_version: scoredVersion } = published[0]);
    }
    const current = revision === undefined || revision === row.state.revision;
    const names = await this.namesOf(state);
    const person = (id: string): PersonRef => ({ id, name: names.get(id) ?? null });
    const review = state.review ?? null;
    const verification = state.verification ?? null;
    const shownFindings = findings === null ? null : [...findings, ...verificationFindings(state.form, verification)];
    return {
      id: state.id,
      status: state.status,
      version: state.version,
      revision: state.revision,
      returned: state.returned,
      form: state.form,
      scores,
      findings: placeFindings(shownFindings),
      missing: current && state.status === 'Draft' ? submissionGaps(state.form) : [],
      scoring: { formVersion: state.formVersion, scoredVersion, pending: scoredVersion !== state.formVersion },
      comments: state.comments.map((c) => ({ ...c, place: c.target ? describeFormPath(c.target) : null })),
      allowedActions: current ? offeredActions(user, state) : [],
      submittedAt: current && state.status !== 'Draft' && row.submitted_at ? new Date(row.submitted_at).toISOString() : null,
      deadline: current ? toApplicableDeadline(row as ApplicableCycleColumns) : null,
      review: review && {
        step: review.step + 1,
        of: review.chain.length,
        name: currentStep(review),
        chain: review.chain,
        approvals: review.approvals.map((a) => ({ ...a, by: person(a.by) })),
        claimedBy: review.claimedBy ? person(review.claimedBy) : null,
        claimedAt: review.claimedAt,
        assignedBy: review.assignedBy ? person(review.assignedBy) : null,
      },
      verification: verification && {
        ...verification,
        by: person(verification.by),
        total: verifiedTotal(verification, scores?.budgetScore),
      },
      ruleSetId: state.ruleSetId,
      origin: state.origin,
      createdBy: state.createdBy,
      lastEditedBy: state.lastEditedBy,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
      publishedRevisions: row.revisions ?? [],
    };
  }

  /** The display names of the people the review names (approvers, claimant, verifier). */
  private namesOf(state: EvaluationState): Promise<Map<string, string>> {
    const ids = [
      ...(state.review?.approvals.map((a) => a.by) ?? []),
      state.review?.claimedBy,
      state.review?.assignedBy,
      state.verification?.by,
    ].filter((id): id is string => typeof id === 'string');
    return this.directory.displayNames(ids);
  }
}

interface Row extends Partial<ApplicableCycleColumns> {
  submitted_at?: Date | null;
  state: EvaluationState;
  scores: EvaluationScores | null;
  findings: Finding[] | null;
  scored_version: number | null;
  revisions?: number[] | null;
}
