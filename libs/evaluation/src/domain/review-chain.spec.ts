import { describe, expect, it } from '@jest/globals';
import { Evaluation, type CommandContext } from './evaluation.js';
import { completeForm } from './evaluation-form.fixture.js';
import { rowsMarkedDown } from './review.js';

const drafter = { userId: 'u-drafter' };
const unitReviewer = { userId: 'u-unit-reviewer' };
const deptReviewer = { userId: 'u-dept-reviewer' };
const manager = { userId: 'u-manager' };
let minute = 0;
const at = (actor = drafter): CommandContext => ({ actor, at: new Date(Date.UTC(2022, 0, 10, 8, ++minute)) });


const TWO_STEPS = ['unit', 'department'];

function submittedWith(chain: string[] = TWO_STEPS): Evaluation {
  const evaluation = Evaluation.draft('e-1', completeForm(), 'national-2020', at());
  evaluation.submit(at(), chain);
  return Evaluation.fromState(evaluation.state);
}

const types = (e: Evaluation) => e.uncommittedEvents.map((event) => event.type);

describe('the review chain', () => {
  describe('of one step (a unit without a department step: the behaviour before chains)', () => {
    it('moves the form to Reviewed on the one approval, recording the step', () => {
      const evaluation = submittedWith(['unit']);
      evaluation.approve('同意', 'c-1', at(unitReviewer));
      expect(types(evaluation)).toEqual(['EvaluationApproved']);
      expect(evaluation.state.status).toBe('Reviewed');
      expect(evaluation.state.review).toMatchObject({ chain: ['unit'], step: 1, approvals: [{ step: 0, name: 'unit', by: 'u-unit-reviewer', comment: '同意' }] });
    });

    it('reads a submission written before chains (no chain in its event) as a chain of one step', () => {
      const evaluation = Evaluation.draft('e-1', completeForm(), 'national-2020', at());
      evaluation.submit(at());
      const events = [...evaluation.uncommittedEvents].map((e) => (e.type === 'EvaluationSubmitted' ? { ...e, payload: {} } : e));
      const old = Evaluation.fromHistory(events);
      old.approve(null, 'c', at(unitReviewer));
      expect(old.state.status).toBe('Reviewed');
    });
  });

  describe('of two steps (单位审核 → 主管部门审核)', () => {
    it('keeps the form Submitted after the unit step and moves the review to the department', () => {
      const evaluation = submittedWith();
      evaluation.approve(null, 'c-1', at(unitReviewer));
      expect(types(evaluation)).toEqual(['EvaluationStepApproved']);
      expect(evaluation.uncommittedEvents[0].payload).toMatchObject({ step: 0, stepName: 'unit', next: 'department' });
      expect(evaluation.state.status).toBe('Submitted');
      expect(evaluation.state.review).toMatchObject({ step: 1, approvals: [{ step: 0, name: 'unit', by: 'u-unit-reviewer' }] });
    });

    it('makes the form Reviewed on the department approval, with both approvals recorded', () => {
      const evaluation = submittedWith();
      evaluation.approve(null, 'c-1', at(unitReviewer));
      evaluation.approve('同意公开', 'c-2', at(deptReviewer));
      expect(types(evaluation)).toEqual(['EvaluationStepApproved', 'EvaluationApproved']);
      expect(evaluation.state.status).toBe('Reviewed');
      expect(evaluation.state.review?.approvals.map((a) => [a.name, a.by])).toEqual([
        ['unit', 'u-unit-reviewer'],
        ['department', 'u-dept-reviewer'],
      ]);
      evaluation.publish(at(manager));
      expect(evaluation.state.status).toBe('Published');
    });

    it('refuses the same person at two steps of one submission', () => {
      const evaluation = submittedWith();
      evaluation.approve(null, 'c-1', at(unitReviewer));
      expect(() => evaluation.approve(null, 'c-2', at(unitReviewer))).toThrow(expect.objectContaining({ code: 'SECOND_STEP_SAME_REVIEWER' }));
      expect(() => evaluation.return([{ target: null, text: '再改' }], ['c-3'], at(unitReviewer))).toThrow(
        expect.objectContaining({ code: 'SECOND_STEP_SAME_REVIEWER' }),
      );
      expect(evaluation.state.review?.step).toBe(1);
    });

    it('holds the self-review rule at the department step too', () => {
      const evaluation = Evaluation.draft('e-1', completeForm(), 'national-2020', at(deptReviewer));
      evaluation.submit(at(deptReviewer), TWO_STEPS);
      evaluation.approve(null, 'c-1', at(unitReviewer));
      expect(() => evaluation.approve(null, 'c-2', at(deptReviewer))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });

    it('returns at step 2 to Draft, and the chain starts again on resubmission', () => {
      const evaluation = submittedWith();
      evaluation.approve(null, 'c-1', at(unitReviewer));
      evaluation.return([{ target: 'indicators[1]', text: '影响力得分依据不足' }], ['c-2'], at(deptReviewer));
      expect(evaluation.state).toMatchObject({ status: 'Draft', returned: true, review: null });
      expect(evaluation.uncommittedEvents.at(-1)?.payload).toMatchObject({ step: 1, stepName: 'department' });
      evaluation.submit(at(), TWO_STEPS);
      expect(evaluation.state.review).toMatchObject({ step: 0, approvals: [] });
      // A new submission: the unit reviewer approves its unit step again.
      evaluation.approve(null, 'c-3', at(unitReviewer));
      expect(evaluation.state.review?.step).toBe(1);
    });

    it('copies the chain into the submission, so the history replays to the same state', () => {
      const all = Evaluation.draft('e-2', completeForm(), 'national-2020', at());
      all.submit(at(), TWO_STEPS);
      all.approve(null, 'c-1', at(unitReviewer));
      all.approve(null, 'c-2', at(deptReviewer));
      expect(Evaluation.fromHistory([...all.uncommittedEvents]).state).toEqual(all.state);
    });
  });

  describe('withdraw (撤回)', () => {
    it('takes the form back to Draft before any step approved it, by the drafter who submitted', () => {
      const evaluation = submittedWith();
      evaluation.withdraw('发现金额有误', at());
      expect(types(evaluation)).toEqual(['EvaluationWithdrawn']);
      expect(evaluation.state).toMatchObject({ status: 'Draft', returned: false, review: null });
      evaluation.edit({ ...(({ unitId: _u, cycleId: _c, declared: _d, ...rest }) => rest)(completeForm()), projectLead: '李四' }, at());
      expect(evaluation.state.form.projectLead).toBe('李四');
    });

    it('is refused once a step has approved', () => {
      const evaluation = submittedWith();
      evaluation.approve(null, 'c-1', at(unitReviewer));
      expect(() => evaluation.withdraw(null, at())).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
      expect(evaluation.state.status).toBe('Submitted');
    });

    it('is refused to anyone but the submitter, and outside Submitted', () => {
      expect(() => submittedWith().withdraw(null, at({ userId: 'u-other-drafter' }))).toThrow(expect.objectContaining({ code: 'NOT_SUBMITTER' }));
      const draft = Evaluation.draft('e-1', completeForm(), 'national-2020', at());
      expect(() => draft.withdraw(null, at())).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });
  });

  describe('核查分 (verified scores)', () => {
    it('records the verified scores with the approval, the step and the total when every row is verified', () => {
      const evaluation = submittedWith(['unit']);
      evaluation.approve(null, 'c-1', at(unitReviewer), [
        { row: 0, score: 50, reason: null },
        { row: 1, score: 24.5, reason: '影响力佐证材料不足' },
        { row: 2, score: 10, reason: null },
      ]);
      expect(evaluation.state.verification).toMatchObject({
        by: 'u-unit-reviewer',
        step: 0,
        stepName: 'unit',
        complete: true,
        indicatorTotal: 84.5,
        rows: [
          { row: 0, score: 50, reason: null, selfScore: 50 },
          { row: 1, score: 24.5, reason: '影响力佐证材料不足', selfScore: 27 },
          { row: 2, score: 10, reason: null, selfScore: 10 },
        ],
      });
      expect(rowsMarkedDown(evaluation.state.verification).map((r) => r.row)).toEqual([1]);
    });

    it('adds hundredths exactly (no float drift)', () => {
      const evaluation = submittedWith(['unit']);
      evaluation.approve(null, 'c-1', at(unitReviewer), [
        { row: 0, score: 0.1, reason: '未达标' },
        { row: 1, score: 0.2, reason: '未达标' },
        { row: 2, score: 10, reason: null },
      ]);
      expect(evaluation.state.verification?.indicatorTotal).toBe(10.3);
    });

    it('leaves the total open when only some rows are verified, and records them with a return too', () => {
      const evaluation = submittedWith();
      evaluation.return([{ target: 'indicators[1]', text: '请补充佐证' }], ['c-1'], at(unitReviewer), [{ row: 1, score: 20, reason: '缺少佐证' }]);
      expect(evaluation.state.verification).toMatchObject({ complete: false, indicatorTotal: null, rows: [{ row: 1, score: 20 }] });
    });

    it.each([
      [{ row: 1, score: 31, reason: '过高' }, '应在 0 至分值 30 之间'],
      [{ row: 1, score: -1, reason: '负分' }, '应在 0 至分值 30 之间'],
      [{ row: 7, score: 1, reason: '不存在' }, '第 8 行不存在'],
      [{ row: 1, score: 20, reason: null }, '须说明理由'],
      [{ row: 1, score: 20, reason: '   ' }, '须说明理由'],
      [{ row: 1, score: 20.123, reason: '小数' }, '最多两位小数'],
    ])('refuses %j and records nothing', (input, message) => {
      const evaluation = submittedWith();
      expect(() => evaluation.approve(null, 'c-1', at(unitReviewer), [input])).toThrow(
        expect.objectContaining({ code: 'INVALID_VERIFIED_SCORE', message: expect.stringContaining(message) }),
      );
      expect(evaluation.uncommittedEvents).toEqual([]);
      expect(evaluation.state.review?.step).toBe(0);
    });

    it('refuses a row verified twice', () => {
      expect(() =>
        submittedWith().approve(null, 'c-1', at(unitReviewer), [
          { row: 0, score: 50, reason: null },
          { row: 0, score: 40, reason: '重复' },
        ]),
      ).toThrow(expect.objectContaining({ code: 'INVALID_VERIFIED_SCORE', message: expect.stringContaining('重复') }));
    });

    it('keeps the department step’s verification as the last one', () => {
      const evaluation = submittedWith();
      evaluation.approve(null, 'c-1', at(unitReviewer), [{ row: 1, score: 27, reason: null }]);
      evaluation.approve(null, 'c-2', at(deptReviewer), [{ row: 1, score: 25, reason: '影响力数据不全' }]);
      expect(evaluation.state.verification).toMatchObject({ by: 'u-dept-reviewer', stepName: 'department', rows: [{ row: 1, score: 25 }] });
    });
  });

  describe('claim and reassign (认领 / 改派)', () => {
    it('lets a reviewer claim the current step; another reviewer is refused; the claimant claiming again changes nothing', () => {
      const evaluation = submittedWith();
      evaluation.claim('u-unit-reviewer', at(unitReviewer));
      expect(evaluation.state.review).toMatchObject({ claimedBy: 'u-unit-reviewer', assignedBy: null });
      evaluation.claim('u-unit-reviewer', at(unitReviewer));
      expect(types(evaluation)).toEqual(['EvaluationReviewClaimed']);
      expect(() => evaluation.claim('u-other', at({ userId: 'u-other' }))).toThrow(expect.objectContaining({ code: 'REVIEW_ALREADY_CLAIMED' }));
    });

    it('lets a manager reassign a claimed review, and clears the claim when the step is approved', () => {
      const evaluation = submittedWith();
      evaluation.claim('u-unit-reviewer', at(unitReviewer));
      evaluation.claim('u-other-reviewer', at(manager), 'u-manager');
      expect(evaluation.state.review).toMatchObject({ claimedBy: 'u-other-reviewer', assignedBy: 'u-manager' });
      evaluation.approve(null, 'c-1', at({ userId: 'u-other-reviewer' }));
      expect(evaluation.state.review).toMatchObject({ step: 1, claimedBy: null });
    });

    it('refuses to hand the review to its author', () => {
      expect(() => submittedWith().claim('u-drafter', at(manager), 'u-manager')).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });
  });
});
