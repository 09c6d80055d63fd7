import { describe, expect, it } from '@jest/globals';
import { Evaluation, allowedActions, type CommandContext, type EvaluationStatus } from './evaluation.js';
import type { EditableForm } from './evaluation-form.js';
import { completeForm } from './evaluation-form.fixture.js';
import { nextYearForm } from './next-year-form.js';
import { attachmentFileName, type AttachmentLimits, type AttachmentMeta } from './evaluation-attachment.js';

const drafter = { userId: 'u-drafter' };
const reviewer = { userId: 'u-reviewer' };
const manager = { userId: 'u-manager' };
const at = (minute: number, actor = drafter): CommandContext => ({ actor, at: new Date(Date.UTC(2022, 0, 10, 8, minute)) });


/** The form as a drafter sends it: without the fields the system sets. */
function edited(overrides: Partial<EditableForm> = {}): EditableForm {
  const { unitId: _unit, cycleId: _cycle, declared: _declared, ...form } = completeForm();
  return { ...form, ...overrides };
}

/** given the events that brought it here, when a person acts, then these events are recorded (or this refusal). */
function given(...steps: ((e: Evaluation) => void)[]): Evaluation {
  const evaluation = Evaluation.draft('e-1', completeForm(), 'national-2020', at(0));
  for (const step of steps) step(evaluation);
  return Evaluation.fromState(evaluation.state);
}

const submitted = (e: Evaluation) => e.submit(at(1));
const approved = (e: Evaluation) => e.approve(null, 'c-0', at(2, reviewer));
const published = (e: Evaluation) => e.publish(at(3, manager));
const returned = (e: Evaluation) => e.return([{ target: null, text: '请补充' }], ['c-1'], at(2, reviewer));

const inStatus: Record<EvaluationStatus, () => Evaluation> = {
  Draft: () => given(),
  Submitted: () => given(submitted),
  Reviewed: () => given(submitted, approved),
  Published: () => given(submitted, approved, published),
};

describe('Evaluation', () => {
  describe('draft', () => {
    it('records EvaluationDrafted at version 1 with the drafter as creator and last editor', () => {
      const evaluation = Evaluation.draft('e-1', completeForm(), 'national-2020', at(0));
      expect(evaluation.uncommittedEvents.map((e) => [e.type, e.version, e.actorId])).toEqual([['EvaluationDrafted', 1, 'u-drafter']]);
      expect(evaluation.state).toMatchObject({ status: 'Draft', version: 1, revision: 1, createdBy: 'u-drafter', lastEditedBy: 'u-drafter' });
    });

    it('refuses an unknown rule set', () => {
      expect(() => Evaluation.draft('e-1', completeForm(), 'no-such-rules', at(0))).toThrow();
    });
  });

  describe('edit', () => {
    it('records EvaluationEdited with the whole form and the editor', () => {
      const evaluation = given();
      evaluation.edit(edited({ projectLead: '李四' }), at(5, { userId: 'u-other-drafter' }));
      expect(evaluation.uncommittedEvents.map((e) => e.type)).toEqual(['EvaluationEdited']);
      expect(evaluation.state).toMatchObject({ version: 2, lastEditedBy: 'u-other-drafter', form: { projectLead: '李四' } });
    });

    it('keeps the unit, the cycle and the declared figures the system set', () => {
      const evaluation = Evaluation.draft('e-1', completeForm({ cycleId: 'cycle-1', declared: { total: 95 } }), 'national-2020', at(0));
      evaluation.edit(edited({ projectLead: '李四' }), at(5));
      expect(evaluation.state.form).toMatchObject({ unitId: 'unit-1', cycleId: 'cycle-1', declared: { total: 95 }, projectLead: '李四' });
    });

    it.each(['Submitted', 'Reviewed', 'Published'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().edit(edited(), at(5))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });

    it('refuses to move the form to another fiscal year', () => {
      expect(() => given().edit(edited({ fiscalYear: 2022 }), at(5))).toThrow(expect.objectContaining({ code: 'FISCAL_YEAR_FIXED' }));
    });
  });

  describe('submit', () => {
    it('records EvaluationSubmitted for a form without error findings', () => {
      const evaluation = given();
      evaluation.submit(at(1));
      expect(evaluation.uncommittedEvents.map((e) => e.type)).toEqual(['EvaluationSubmitted']);
      expect(evaluation.state.status).toBe('Submitted');
    });

    it('is refused with the error findings when weights do not add to 100', () => {
      const form = completeForm();
      form.indicators[0] = { ...form.indicators[0], weight: 40, score: 40 };
      const evaluation = Evaluation.draft('e-1', form, 'national-2020', at(0));
      try {
        evaluation.submit(at(1));
        throw new Error('submit should have been refused');
      } catch (error) {
        expect(error).toMatchObject({ code: 'SUBMISSION_BLOCKED' });
        expect((error as { details: { findings: { code: string }[] } }).details.findings.map((f) => f.code)).toContain('WEIGHT_TOTAL_NOT_100');
      }
      expect(evaluation.state.status).toBe('Draft');
      expect(evaluation.uncommittedEvents.map((e) => e.type)).toEqual(['EvaluationDrafted']);
    });

    it('is refused when a header field is missing', () => {
      const evaluation = Evaluation.draft('e-1', completeForm({ projectLead: '' }), 'national-2020', at(0));
      expect(() => evaluation.submit(at(1))).toThrow(expect.objectContaining({ code: 'SUBMISSION_BLOCKED' }));
    });

    it('is refused while results are still empty: a form copied to next year, the refusal naming each cell to fill', () => {
      const copied = nextYearForm(completeForm(), 2022);
      copied.indicators[1] = { ...copied.indicators[1]!, name: ' ', target: '', weight: null };
      copied.indicators.push({ level1: '', level2: '', name: '', target: '', actual: '', weight: null, score: null, deviation: '' });
      const evaluation = Evaluation.draft('e-1', copied, 'national-2020', at(0));
      const errors = evaluation.findings().filter((f) => f.severity === 'error');
      let refusal: unknown;
      try {
        evaluation.submit(at(1));
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toMatchObject({ code: 'SUBMISSION_BLOCKED', message: `表单存在 ${errors.length} 个错误、还有 6 处未填写，不能提交` });
      expect((refusal as { details: { missing: unknown[] } }).details.missing).toEqual([
        { path: 'funds.total.executed', place: expect.stringContaining('全年执行数'), message: '未填写年度资金总额的全年执行数（当年没有支出的填 0）' },
        { path: 'goals.actual', place: expect.stringContaining('实际完成情况'), message: '未填写年度总体目标的实际完成情况' },
        { path: 'indicators[0].actual', place: expect.stringContaining('第 1 行'), message: '绩效指标第 1 行“推进会”未填写实际完成值、得分' },
        { path: 'indicators[1].name', place: expect.stringContaining('第 2 行'), message: '绩效指标第 2 行未填写三级指标、年度指标值、实际完成值、分值、得分' },
        { path: 'indicators[2].actual', place: expect.stringContaining('第 3 行'), message: '绩效指标第 3 行“满意度”未填写实际完成值、得分' },
        { path: 'indicators[3].name', place: expect.stringContaining('第 4 行'), message: '绩效指标第 4 行是空行：请填写或删除该行' },
      ]);
      expect(evaluation.uncommittedEvents.map((e) => e.type)).toEqual(['EvaluationDrafted']);
    });

    it('counts a gap even where no rule is broken: results cleared, budgets written', () => {
      const copied = nextYearForm(completeForm(), 2022);
      copied.funds.total = { initialBudget: '30', fullYearBudget: '30', executed: null };
      const evaluation = Evaluation.draft('e-1', copied, 'national-2020', at(0));
      expect(evaluation.findings().filter((f) => f.severity === 'error')).toEqual([]);
      expect(() => evaluation.submit(at(1))).toThrow(expect.objectContaining({ code: 'SUBMISSION_BLOCKED', details: expect.objectContaining({ findings: [] }) }));
    });

    it('names only what is empty when no rule is broken, and takes 0 as filled in', () => {
      const form = completeForm();
      form.indicators[2] = { ...form.indicators[2]!, actual: '80%', score: 0, deviation: '满意度调查未达预期' };
      form.indicators[0] = { ...form.indicators[0]!, score: null };
      const evaluation = Evaluation.draft('e-1', form, 'national-2020', at(0));
      expect(() => evaluation.submit(at(1))).toThrow(
        expect.objectContaining({ message: '表单还有 1 处未填写，不能提交', details: { findings: [], missing: [expect.objectContaining({ path: 'indicators[0].score' })] } }),
      );
      form.indicators[0] = { ...form.indicators[0]!, score: 50 };
      Evaluation.draft('e-2', form, 'national-2020', at(0)).submit(at(1));
    });

    it.each(['Submitted', 'Reviewed', 'Published'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().submit(at(5))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });
  });

  describe('approve', () => {
    it('records EvaluationApproved with the optional comment', () => {
      const evaluation = given(submitted);
      evaluation.approve('同意', 'c-9', at(2, reviewer));
      expect(evaluation.uncommittedEvents.map((e) => e.type)).toEqual(['EvaluationApproved']);
      expect(evaluation.state).toMatchObject({ status: 'Reviewed', comments: [{ id: 'c-9', text: '同意', kind: 'approval', authorId: 'u-reviewer' }] });
    });

    it('refuses a reviewer who drafted the form', () => {
      expect(() => given(submitted).approve(null, 'c', at(2, drafter))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });

    it('refuses a reviewer who last edited the form', () => {
      const evaluation = given((e) => e.edit(edited(), at(1, reviewer)), (e) => e.submit(at(2)));
      expect(() => evaluation.approve(null, 'c', at(3, reviewer))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });

    it.each(['Draft', 'Reviewed', 'Published'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().approve(null, 'c', at(5, reviewer))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });
    it('refuses a co-author who rewrote the form, even after someone else edited it last', () => {
      const coAuthor = { userId: 'u-co-author' };
      const evaluation = given((e) => e.edit(edited({ projectLead: '张三' }), at(1, coAuthor)), (e) => e.edit(edited(), at(2)), (e) => e.submit(at(3)));
      expect(() => evaluation.approve(null, 'c', at(4, coAuthor))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
      expect(() => evaluation.return([{ target: null, text: '改' }], ['c'], at(4, coAuthor))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });

    it('refuses whoever submitted the form, though they never edited it', () => {
      const evaluation = given((e) => e.submit(at(1, reviewer)));
      expect(() => evaluation.approve(null, 'c', at(2, reviewer))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });

    it('lets an author of an earlier revision review a corrected one they did not touch (the last editor stays barred)', () => {
      const coAuthor = { userId: 'u-co-author' };
      const evaluation = given(
        (e) => e.edit(edited({ projectLead: '张三' }), at(1, coAuthor)),
        (e) => e.edit(edited(), at(2)),
        submitted,
        approved,
        published,
        (e) => e.reopen('更正', at(4, manager)),
        (e) => e.submit(at(5)),
      );
      expect(() => evaluation.approve(null, 'c', at(6, drafter))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
      evaluation.approve(null, 'c', at(6, coAuthor));
      expect(evaluation.state.status).toBe('Reviewed');
    });
  });

  describe('return', () => {
    it('puts the form back to Draft, marked as returned, with general and targeted comments', () => {
      const evaluation = given(submitted);
      evaluation.return(
        [
          { target: null, text: '请补充数据来源' },
          { target: 'indicators[1]', text: '得分依据不足' },
          { target: 'funds.total.executed', text: '执行数与决算不符' },
        ],
        ['c-1', 'c-2', 'c-3'],
        at(2, reviewer),
      );
      expect(evaluation.uncommittedEvents.map((e) => e.type)).toEqual(['EvaluationReturned']);
      expect(evaluation.state).toMatchObject({ status: 'Draft', returned: true });
      expect(evaluation.state.comments.map((c) => [c.target, c.text, c.kind])).toEqual([
        [null, '请补充数据来源', 'return'],
        ['indicators[1]', '得分依据不足', 'return'],
        ['funds.total.executed', '执行数与决算不符', 'return'],
      ]);
    });

    it('refuses a return without a comment', () => {
      expect(() => given(submitted).return([], [], at(2, reviewer))).toThrow(expect.objectContaining({ code: 'RETURN_COMMENT_REQUIRED' }));
      expect(() => given(submitted).return([{ target: null, text: '   ' }], ['c'], at(2, reviewer))).toThrow(
        expect.objectContaining({ code: 'RETURN_COMMENT_REQUIRED' }),
      );
    });

    it('refuses a comment aimed at a row or field the form does not have', () => {
      expect(() => given(submitted).return([{ target: 'indicators[7]', text: '?' }], ['c'], at(2, reviewer))).toThrow(
        expect.objectContaining({ code: 'INVALID_COMMENT_TARGET' }),
      );
      expect(() => given(submitted).return([{ target: 'budgetOwner', text: '?' }], ['c'], at(2, reviewer))).toThrow(
        expect.objectContaining({ code: 'INVALID_COMMENT_TARGET' }),
      );
    });

    it('refuses the drafter as reviewer', () => {
      expect(() => given(submitted).return([{ target: null, text: 'x' }], ['c'], at(2, drafter))).toThrow(
        expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }),
      );
    });

    it('lets the drafter resubmit, which clears the returned mark', () => {
      const evaluation = given(submitted, returned);
      evaluation.submit(at(4));
      expect(evaluation.state).toMatchObject({ status: 'Submitted', returned: false, version: 4 });
    });

    it.each(['Draft', 'Reviewed', 'Published'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().return([{ target: null, text: 'x' }], ['c'], at(5, reviewer))).toThrow(
        expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }),
      );
    });
  });

  describe('resolveComment', () => {
    const resubmitted = () =>
      given(submitted, (e) => e.return([{ target: 'projectName', text: '名称不规范' }, { target: null, text: '请补充' }], ['c-1', 'c-2'], at(2, reviewer)), (e) => e.submit(at(3)));

    it('records EvaluationCommentResolved, the status staying Submitted, and marks the comment with who and when', () => {
      const evaluation = resubmitted();
      evaluation.resolveComment('c-1', at(4, reviewer));
      expect(evaluation.uncommittedEvents).toEqual([expect.objectContaining({ type: 'EvaluationCommentResolved', payload: { commentId: 'c-1' }, version: 5 })]);
      expect(evaluation.state).toMatchObject({ status: 'Submitted', version: 5, lastEditedBy: 'u-drafter' });
      expect(evaluation.state.comments.map((c) => [c.id, c.resolvedBy ?? null, c.resolvedAt ?? null])).toEqual([
        ['c-1', 'u-reviewer', at(4).at.toISOString()],
        ['c-2', null, null],
      ]);
    });

    it('leaves the one who resolved a comment free to approve the form', () => {
      const evaluation = resubmitted();
      evaluation.resolveComment('c-1', at(4, reviewer));
      evaluation.approve(null, 'c-3', at(5, reviewer));
      expect(evaluation.state.status).toBe('Reviewed');
    });

    it('changes nothing for a comment already resolved (idempotent: no event, the first resolver stays)', () => {
      const evaluation = given(submitted, (e) => e.return([{ target: null, text: 'x' }], ['c-1'], at(2, reviewer)), (e) => e.submit(at(3)), (e) => e.resolveComment('c-1', at(4, reviewer)));
      evaluation.resolveComment('c-1', at(5, { userId: 'u-other-reviewer' }));
      expect(evaluation.uncommittedEvents).toEqual([]);
      expect(evaluation.state.comments[0]).toMatchObject({ resolvedBy: 'u-reviewer', resolvedAt: at(4).at.toISOString() });
    });

    it('refuses a comment the revision under review does not have, and an approval comment', () => {
      expect(() => resubmitted().resolveComment('c-9', at(4, reviewer))).toThrow(expect.objectContaining({ code: 'COMMENT_NOT_FOUND' }));
      const withApproval = given(submitted, (e) => e.approve('同意', 'c-a', at(2, reviewer)), published, (e) => e.reopen(null, at(4, manager)), (e) => e.submit(at(5)));
      expect(() => withApproval.resolveComment('c-a', at(6, reviewer))).toThrow(expect.objectContaining({ code: 'COMMENT_NOT_FOUND' }));
    });

    it('refuses a comment of an earlier revision', () => {
      const evaluation = given(
        submitted,
        returned,
        (e) => e.submit(at(3)),
        (e) => e.approve(null, 'c-a', at(4, reviewer)),
        published,
        (e) => e.reopen(null, at(6, manager)),
        (e) => e.submit(at(7)),
      );
      expect(() => evaluation.resolveComment('c-1', at(8, reviewer))).toThrow(expect.objectContaining({ code: 'COMMENT_NOT_FOUND' }));
    });

    it('refuses an author of the revision', () => {
      expect(() => resubmitted().resolveComment('c-1', at(4, drafter))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });

    it('refuses, at a later step of the chain, the reviewer who approved an earlier step of this submission', () => {
      const evaluation = given(
        (e) => e.submit(at(1), ['unit', 'department']),
        (e) => e.return([{ target: null, text: '请补充' }], ['c-1'], at(2, reviewer)),
        (e) => e.submit(at(3), ['unit', 'department']),
        (e) => e.approve(null, 'c-2', at(4, reviewer)),
      );
      expect(evaluation.state.status).toBe('Submitted');
      expect(() => evaluation.resolveComment('c-1', at(5, reviewer))).toThrow(expect.objectContaining({ code: 'SECOND_STEP_SAME_REVIEWER' }));
      evaluation.resolveComment('c-1', at(5, { userId: 'u-dept-reviewer' }));
      expect(evaluation.state.comments[0]).toMatchObject({ resolvedBy: 'u-dept-reviewer' });
    });

    it.each(['Draft', 'Reviewed', 'Published'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().resolveComment('c-1', at(5, reviewer))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });

    it('is refused on the returned Draft, before the resubmission', () => {
      expect(() => given(submitted, returned).resolveComment('c-1', at(3, reviewer))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });
  });

  describe('publish', () => {
    it('records EvaluationPublished with the revision it publishes', () => {
      const evaluation = given(submitted, approved);
      evaluation.publish(at(3, manager));
      expect(evaluation.uncommittedEvents).toEqual([expect.objectContaining({ type: 'EvaluationPublished', payload: { revision: 1 }, version: 4 })]);
      expect(evaluation.state.status).toBe('Published');
    });

    it.each(['Draft', 'Submitted', 'Published'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().publish(at(5, manager))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });
  });

  describe('reopen', () => {
    it('opens the next revision in Draft', () => {
      const evaluation = given(submitted, approved, published);
      evaluation.reopen('执行数有误', at(4, manager));
      expect(evaluation.uncommittedEvents).toEqual([expect.objectContaining({ type: 'EvaluationReopened', payload: { revision: 2, reason: '执行数有误' } })]);
      expect(evaluation.state).toMatchObject({ status: 'Draft', revision: 2, version: 5 });
    });

    it.each(['Draft', 'Submitted', 'Reviewed'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().reopen(null, at(5, manager))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });

    it('keeps who last edited the form, so they still may not review the new revision', () => {
      const evaluation = given((e) => e.edit(edited(), at(1, reviewer)), (e) => e.submit(at(2)), (e) => e.approve(null, 'c', at(3, { userId: 'u-other-reviewer' })), published);
      evaluation.reopen(null, at(4, manager));
      evaluation.submit(at(5));
      expect(() => evaluation.approve(null, 'c', at(6, reviewer))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });
  });

  describe('discard', () => {
    it('ends the stream of a Draft never published, with the reason; nothing more can be done to it', () => {
      const evaluation = given((e) => e.edit(edited({ projectName: '误建的表' }), at(1)));
      evaluation.discard('  重复创建  ', at(2));
      expect(evaluation.uncommittedEvents).toEqual([expect.objectContaining({ type: 'EvaluationDiscarded', payload: { reason: '重复创建' }, version: 3 })]);
      expect(evaluation.state).toMatchObject({ status: 'Draft', discarded: true, version: 3 });
      expect(() => evaluation.edit(edited(), at(3))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
      expect(() => evaluation.submit(at(3))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
      expect(() => evaluation.discard(null, at(3))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });

    it('takes a returned Draft too: it was never published', () => {
      const evaluation = given(submitted, returned);
      evaluation.discard(null, at(3));
      expect(evaluation.state.discarded).toBe(true);
    });

    it('refuses a correction under way: it has a published revision', () => {
      const evaluation = given(submitted, approved, published, (e) => e.reopen('更正', at(4, manager)));
      expect(() => evaluation.discard(null, at(5))).toThrow(expect.objectContaining({ code: 'DISCARD_NOT_ALLOWED' }));
      expect(evaluation.uncommittedEvents).toEqual([]);
    });

    it.each(['Submitted', 'Reviewed', 'Published'] as const)('is refused in %s', (status) => {
      expect(() => inStatus[status]().discard(null, at(5))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    });
  });

  describe('attach', () => {
    const limits: AttachmentLimits = { maxFileBytes: 20 * 1024 * 1024, maxFormBytes: 50 * 1024 * 1024 };
    const evidence = (id: string, overrides: Partial<AttachmentMeta> = {}): AttachmentMeta => ({
      id,
      fileName: '活动照片.png',
      size: 1024,
      sha256: 'a'.repeat(64),
      contentType: 'image/png',
      target: 'indicators[1]',
      uploadedBy: 'u-drafter',
      uploadedAt: '2022-01-10T08:05:00.000Z',
      ...overrides,
    });

    it('records EvaluationAttachmentAdded with the file and lists it in the state', () => {
      const evaluation = given();
      evaluation.attach(evidence('f-1'), at(5), limits);
      expect(evaluation.uncommittedEvents).toEqual([expect.objectContaining({ type: 'EvaluationAttachmentAdded', payload: { attachment: evidence('f-1') }, version: 2 })]);
      expect(evaluation.state.attachments).toEqual([evidence('f-1')]);
      expect(evaluation.state.formVersion).toBe(1);
    });

    it('takes evidence of the whole form, of a field and of a row', () => {
      const evaluation = given();
      for (const [i, target] of [null, 'funds.total.executed', 'indicators[0]', 'goals.actual'].entries()) evaluation.attach(evidence(`f-${i}`, { target }), at(5 + i), limits);
      expect(evaluation.state.attachments?.map((a) => a.target)).toEqual([null, 'funds.total.executed', 'indicators[0]', 'goals.actual']);
    });

    it.each(['Submitted', 'Reviewed', 'Published'] as const)('is refused in %s', (status) => {
      const evaluation = inStatus[status]();
      expect(() => evaluation.attach(evidence('f-1'), at(9), limits)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION', details: { from: status, action: 'attach' } }));
      expect(() => evaluation.assertAttachable(null)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
      expect(evaluation.uncommittedEvents).toEqual([]);
    });

    it.each(['indicators[3]', 'indicators[x]', 'unitId.name', 'nonsense', ''])('refuses the target %j, which the form does not have', (target) => {
      expect(() => given().attach(evidence('f-1', { target }), at(5), limits)).toThrow(expect.objectContaining({ code: 'INVALID_ATTACHMENT_TARGET' }));
    });

    it('refuses a file over the limit of a file', () => {
      expect(() => given().attach(evidence('f-1', { size: limits.maxFileBytes + 1 }), at(5), limits)).toThrow(
        expect.objectContaining({ code: 'ATTACHMENT_TOO_LARGE', details: { maxBytes: limits.maxFileBytes, size: limits.maxFileBytes + 1 } }),
      );
    });

    it('refuses a file that would take the form over its limit, counting only what is attached now', () => {
      const evaluation = given();
      const twenty = 20 * 1024 * 1024;
      evaluation.attach(evidence('f-1', { size: twenty }), at(5), limits);
      evaluation.attach(evidence('f-2', { size: twenty }), at(6), limits);
      expect(() => evaluation.attach(evidence('f-3', { size: twenty }), at(7), limits)).toThrow(
        expect.objectContaining({ code: 'ATTACHMENT_QUOTA_EXCEEDED', details: { maxBytes: limits.maxFormBytes, usedBytes: 2 * twenty, size: twenty } }),
      );
      evaluation.attach(evidence('f-3', { size: 10 * 1024 * 1024 }), at(7), limits);
      evaluation.detach('f-1', at(8));
      evaluation.attach(evidence('f-4', { size: twenty }), at(9), limits);
      expect(evaluation.state.attachments?.map((a) => a.id)).toEqual(['f-2', 'f-3', 'f-4']);
    });

    it('bars whoever attached evidence from reviewing the revision', () => {
      const evaluation = given((e) => e.attach(evidence('f-1', { uploadedBy: 'u-reviewer' }), at(1, reviewer), limits), submitted);
      expect(() => evaluation.approve(null, 'c', at(3, reviewer))).toThrow(expect.objectContaining({ code: 'SELF_REVIEW_FORBIDDEN' }));
    });

    it('keeps the evidence through a return and into the next revision', () => {
      const evaluation = given((e) => e.attach(evidence('f-1'), at(1), limits), submitted, returned, submitted, approved, published, (e) => e.reopen(null, at(9, manager)));
      expect(evaluation.state).toMatchObject({ status: 'Draft', revision: 2, attachments: [evidence('f-1')] });
    });
  });

  describe('detach', () => {
    const limits: AttachmentLimits = { maxFileBytes: 1024, maxFormBytes: 4096 };
    const evidence = (id: string): AttachmentMeta => ({ id, fileName: '说明.pdf', size: 100, sha256: 'b'.repeat(64), contentType: 'application/pdf', target: null, uploadedBy: 'u-drafter', uploadedAt: '2022-01-10T08:01:00.000Z' });

    it('records EvaluationAttachmentRemoved and takes the file off the list', () => {
      const evaluation = given((e) => e.attach(evidence('f-1'), at(1), limits), (e) => e.attach(evidence('f-2'), at(2), limits));
      evaluation.detach('f-1', at(3));
      expect(evaluation.uncommittedEvents).toEqual([expect.objectContaining({ type: 'EvaluationAttachmentRemoved', payload: { attachmentId: 'f-1' }, version: 4 })]);
      expect(evaluation.state.attachments?.map((a) => a.id)).toEqual(['f-2']);
    });

    it('refuses a file the form does not hold (also one removed already)', () => {
      const evaluation = given((e) => e.attach(evidence('f-1'), at(1), limits), (e) => e.detach('f-1', at(2)));
      expect(() => evaluation.detach('f-1', at(3))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => evaluation.detach('f-9', at(3))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    });

    it.each(['Submitted', 'Reviewed', 'Published'] as const)('is refused in %s, before it looks for the file', (status) => {
      expect(() => inStatus[status]().detach('f-9', at(9))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION', details: { from: status, action: 'detach' } }));
    });

    it('leaves a snapshot written before evidence existed as it was until a file comes', () => {
      const { attachments: _none, ...old } = given().state;
      const evaluation = Evaluation.fromState(old);
      expect(() => evaluation.detach('f-1', at(3))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      evaluation.attach(evidence('f-1'), at(4), limits);
      expect(evaluation.state.attachments?.map((a) => a.id)).toEqual(['f-1']);
    });
  });

  describe('attachmentFileName', () => {
    it('keeps a Chinese name as it was sent', () => {
      expect(attachmentFileName('2021年度 活动照片（终稿）.png', 'image/png')).toBe('2021年度 活动照片（终稿）.png');
    });

    it('drops the path a browser or a client put in front', () => {
      expect(attachmentFileName('C:\\Users\\张三\\桌面\\结算单.pdf', 'application/pdf')).toBe('结算单.pdf');
      expect(attachmentFileName('../../etc/passwd.pdf', 'application/pdf')).toBe('passwd.pdf');
    });

    it('shortens a long name to 80 characters, keeping its extension', () => {
      const name = attachmentFileName(`${'很长的文件名'.repeat(30)}.xlsx`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect([...name]).toHaveLength(80);
      expect(name.endsWith('….xlsx')).toBe(true);
    });

    it('names a file sent without a name by what it is', () => {
      expect(attachmentFileName('', 'application/pdf')).toBe('佐证材料.pdf');
      expect(attachmentFileName(' .. ', 'image/jpeg')).toBe('佐证材料.jpg');
    });
  });

  describe('history', () => {
    it('rebuilds the same state from its events as from its snapshot', () => {
      const evaluation = Evaluation.draft('e-1', completeForm(), 'national-2020', at(0));
      evaluation.submit(at(1));
      evaluation.return([{ target: 'projectName', text: '名称不规范' }], ['c-1'], at(2, reviewer));
      evaluation.edit(edited({ projectName: '新媒体运营服务' }), at(3));
      evaluation.submit(at(4));
      evaluation.resolveComment('c-1', at(5, reviewer));
      evaluation.approve('同意', 'c-2', at(5, reviewer));
      evaluation.publish(at(6, manager));
      evaluation.reopen(null, at(7, manager));
      evaluation.attach({ id: 'f-1', fileName: 'a.pdf', size: 5, sha256: 'c'.repeat(64), contentType: 'application/pdf', target: 'indicators[0]', uploadedBy: 'u-drafter', uploadedAt: '2022-01-10T08:08:00.000Z' }, at(8), { maxFileBytes: 10, maxFormBytes: 10 });
      evaluation.attach({ id: 'f-2', fileName: 'b.pdf', size: 5, sha256: 'c'.repeat(64), contentType: 'application/pdf', target: null, uploadedBy: 'u-drafter', uploadedAt: '2022-01-10T08:09:00.000Z' }, at(9), { maxFileBytes: 10, maxFormBytes: 10 });
      evaluation.detach('f-1', at(10));
      expect(Evaluation.fromHistory([...evaluation.uncommittedEvents]).state).toEqual(evaluation.state);
      expect(evaluation.uncommittedEvents.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    });

    it('counts the version it was loaded at, so the store can refuse a stale write', () => {
      const evaluation = given(submitted);
      evaluation.approve(null, 'c', at(3, reviewer));
      expect(evaluation.loadedVersion).toBe(2);
    });
  });

  describe('allowedActions', () => {
    it('follows the transitions table', () => {
      expect(allowedActions('Draft')).toEqual(['edit', 'submit', 'attach', 'detach', 'discard']);
      expect(allowedActions('Submitted')).toEqual(['approve', 'return', 'withdraw', 'claim', 'reassign', 'resolveComment']);
      expect(allowedActions('Reviewed')).toEqual(['publish']);
      expect(allowedActions('Published')).toEqual(['reopen']);
    });
  });
});
