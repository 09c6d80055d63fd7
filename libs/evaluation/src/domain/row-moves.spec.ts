import { describe, expect, it } from '@jest/globals';
import { Evaluation, type CommandContext } from './evaluation.js';
import type { EditableForm, IndicatorRow } from './evaluation-form.js';
import { completeForm } from './evaluation-form.fixture.js';
import { formChanges, rowMoves } from './form-changes.js';
import { movedTarget } from './row-moves.js';

const drafter = { userId: 'u-drafter' };
const reviewer = { userId: 'u-reviewer' };
const at = (minute: number, actor = drafter): CommandContext => ({ actor, at: new Date(Date.UTC(2022, 0, 10, 8, minute)) });
const limits = { maxFileBytes: 1024, maxFormBytes: 4096 };
const [output50, benefit, satisfaction] = completeForm().indicators;
/** 推进会 at 40 points, so that the four rows with 稿件合格率 (10) weigh 90 with the funds' 10. */
const output = { ...output50, weight: 40, score: 40 };
const extra: IndicatorRow = { level1: '产出指标', level2: '质量指标', name: '稿件合格率', target: '100%', actual: '100%', weight: 10, score: 8, deviation: '个别稿件返工' };

function withRows(indicators: IndicatorRow[]): EditableForm {
  const { unitId: _u, cycleId: _c, declared: _d, ...form } = completeForm({ indicators });
  return form;
}

/**
 * Returned with a comment on row 2 (影响力)'s score and 核查分 on every row, with evidence on row 3 (满意度):
 * the form a drafter then reworks. Four rows, so that the verification is complete.
 */
function returnedForm(): Evaluation {
  const evaluation = Evaluation.draft('e-1', completeForm({ indicators: [output, extra, benefit, satisfaction] }), 'national-2020', at(0));
  evaluation.attach({ id: 'f-1', fileName: '问卷.pdf', size: 10, sha256: 'a'.repeat(64), contentType: 'application/pdf', target: 'indicators[3]', uploadedBy: 'u-drafter', uploadedAt: '2022-01-10T08:00:00.000Z' }, at(0), limits);
  evaluation.submit(at(1));
  evaluation.return(
    [
      { target: 'indicators[2].score', text: '影响力得分偏高' },
      { target: 'indicators[1]', text: '稿件合格率无佐证' },
      { target: 'projectName', text: '名称不规范' },
    ],
    ['c-1', 'c-2', 'c-3'],
    at(2, reviewer),
    [
      { row: 0, score: 40, reason: null },
      { row: 1, score: 6, reason: '返工两篇' },
      { row: 2, score: 25, reason: '无数据' },
      { row: 3, score: 10, reason: null },
    ],
  );
  return Evaluation.fromState(evaluation.state);
}

describe('What points at a row follows it', () => {
  it('moves comments, evidence and 核查分 with their rows when a row is inserted above them', () => {
    const evaluation = returnedForm();
    const inserted: IndicatorRow = { ...extra, name: '发稿数量', level2: '数量指标' };
    evaluation.edit(withRows([inserted, output, extra, benefit, satisfaction]), at(3));
    const { comments, attachments, verification } = evaluation.state;
    expect(comments.map((c) => [c.id, c.target])).toEqual([['c-1', 'indicators[3].score'], ['c-2', 'indicators[2]'], ['c-3', 'projectName']]);
    expect(attachments!.map((a) => a.target)).toEqual(['indicators[4]']);
    expect(verification!.rows.map((r) => [r.row, r.score])).toEqual([[1, 40], [2, 6], [3, 25], [4, 10]]);
    // The inserted row has no 核查分: the verification no longer covers the form.
    expect(verification).toMatchObject({ complete: false, indicatorTotal: null });
    expect(evaluation.uncommittedEvents[0].payload).toMatchObject({ rows: [1, 2, 3, 4] });
  });

  it('points a removed row\'s comments and evidence at the 绩效指标 section and drops its 核查分', () => {
    const evaluation = returnedForm();
    evaluation.edit(withRows([output, benefit, satisfaction]), at(3));
    const { comments, attachments, verification } = evaluation.state;
    expect(comments.map((c) => c.target)).toEqual(['indicators[1].score', 'indicators', 'projectName']);
    expect(attachments!.map((a) => a.target)).toEqual(['indicators[2]']);
    // Every row left was verified: 核查得分 is again their exact sum.
    expect(verification!.rows.map((r) => [r.row, r.score])).toEqual([[0, 40], [1, 25], [2, 10]]);
    expect(verification).toMatchObject({ complete: true, indicatorTotal: 75 });
  });

  it('follows reordered rows, and a renamed row stays the row it was', () => {
    const evaluation = returnedForm();
    evaluation.edit(withRows([satisfaction, output, { ...extra, name: '稿件质量合格率' }, benefit]), at(3));
    expect(evaluation.state.comments.map((c) => c.target)).toEqual(['indicators[3].score', 'indicators[2]', 'projectName']);
    expect(evaluation.state.attachments!.map((a) => a.target)).toEqual(['indicators[0]']);
  });

  it('replays to the same state from the events', () => {
    const evaluation = Evaluation.draft('e-1', completeForm({ indicators: [output, extra, benefit, satisfaction] }), 'national-2020', at(0));
    evaluation.submit(at(1));
    evaluation.return([{ target: 'indicators[2]', text: '请核实' }], ['c-1'], at(2, reviewer), [{ row: 2, score: 25, reason: '无数据' }]);
    evaluation.edit(withRows([extra, output, benefit]), at(3));
    evaluation.edit(withRows([satisfaction, extra, output, benefit]), at(4));
    expect(evaluation.state.comments[0].target).toBe('indicators[3]');
    expect(Evaluation.fromHistory([...evaluation.uncommittedEvents]).state).toEqual(evaluation.state);
  });

  it('records no moves when nothing points at a row, or when no row moved', () => {
    const plain = Evaluation.draft('e-1', completeForm(), 'national-2020', at(0));
    plain.edit(withRows([extra, output, benefit, satisfaction]), at(1));
    expect(plain.uncommittedEvents[1].payload).not.toHaveProperty('rows');

    const evaluation = returnedForm();
    evaluation.edit(withRows([output, { ...extra, score: 9 }, benefit, satisfaction]), at(3));
    expect(evaluation.uncommittedEvents[0].payload).not.toHaveProperty('rows');
    expect(evaluation.state.comments.map((c) => c.target)).toEqual(['indicators[2].score', 'indicators[1]', 'projectName']);
  });

  it('takes a 核查分 that covered every row for incomplete once a row is added at the end', () => {
    const evaluation = returnedForm();
    expect(evaluation.state.verification).toMatchObject({ complete: true, indicatorTotal: 81 });
    evaluation.edit(withRows([output, extra, benefit, satisfaction, { ...extra, name: '新增指标' }]), at(3));
    expect(evaluation.uncommittedEvents[0].payload).toMatchObject({ rows: [0, 1, 2, 3] });
    expect(evaluation.state.comments.map((c) => c.target)).toEqual(['indicators[2].score', 'indicators[1]', 'projectName']);
    expect(evaluation.state.verification).toMatchObject({ complete: false, indicatorTotal: null });
  });

  it('follows rows swapped while another is deleted: each to its own row, never the deleted one\'s', () => {
    const evaluation = returnedForm();
    // [推进会, 稿件合格率, 影响力, 满意度] → [稿件合格率, 推进会, 满意度]: the first two swapped, 影响力 deleted.
    evaluation.edit(withRows([extra, output, satisfaction]), at(3));
    expect(evaluation.uncommittedEvents[0].payload).toMatchObject({ rows: [1, 0, null, 2] });
    expect(evaluation.state.comments.map((c) => c.target)).toEqual(['indicators', 'indicators[0]', 'projectName']);
    expect(evaluation.state.verification!.rows.map((r) => [r.row, r.score, r.selfScore])).toEqual([[0, 6, 8], [1, 40, 40], [2, 10, 10]]);
  });

  it('leaves the comments of an earlier revision as they were written', () => {
    const evaluation = returnedForm();
    evaluation.edit(withRows([output, extra, benefit, satisfaction]), at(3));
    evaluation.submit(at(4));
    evaluation.approve(null, 'c-4', at(5, reviewer));
    evaluation.publish(at(6, { userId: 'u-manager' }));
    evaluation.reopen(null, at(7, { userId: 'u-manager' }));
    evaluation.edit(withRows([satisfaction, output, extra, benefit]), at(8));
    expect(evaluation.state.comments.filter((c) => c.kind === 'return').map((c) => c.target)).toEqual(['indicators[2].score', 'indicators[1]', 'projectName']);
    expect(evaluation.uncommittedEvents.at(-1)!.payload).toMatchObject({ rows: [1, 2, 3, 0] });
  });
});

describe('rowMoves', () => {
  it('is null when every row kept its place, else where each row went', () => {
    const form = completeForm({ indicators: [output, benefit, satisfaction] });
    expect(rowMoves(form, completeForm({ indicators: [output, { ...benefit, score: 30 }, satisfaction] }))).toBeNull();
    expect(rowMoves(form, completeForm({ indicators: [output, benefit, satisfaction, extra] }))).toEqual([0, 1, 2]);
    expect(rowMoves(form, completeForm({ indicators: [extra, output, benefit, satisfaction] }))).toEqual([1, 2, 3]);
    expect(rowMoves(form, completeForm({ indicators: [output, satisfaction] }))).toEqual([0, null, 1]);
    expect(rowMoves(form, completeForm({ indicators: [] }))).toEqual([null, null, null]);
  });
});

describe('movedTarget', () => {
  it('moves row paths, keeps their field, and leaves every other path as it is', () => {
    const moves = [2, null, 0];
    expect(movedTarget('indicators[0]', moves)).toBe('indicators[2]');
    expect(movedTarget('indicators[0].deviation', moves)).toBe('indicators[2].deviation');
    expect(movedTarget('indicators[1].score', moves)).toBe('indicators');
    expect(movedTarget('indicators[7]', moves)).toBe('indicators[7]');
    for (const path of [null, 'indicators', 'funds.total.executed', 'projectName', 'goals.actual']) expect(movedTarget(path, moves)).toBe(path);
  });
});

describe('rowMoves of a row moved past others', () => {
  it('finds the row again by its labels', () => {
    const form = completeForm({ indicators: [output, benefit, satisfaction] });
    expect(rowMoves(form, completeForm({ indicators: [satisfaction, output, benefit] }))).toEqual([1, 2, 0]);
    expect(rowMoves(form, completeForm({ indicators: [benefit, satisfaction, output] }))).toEqual([2, 0, 1]);
  });
});

describe('formChanges of rows that only moved', () => {
  it('lists nothing for a row moved past others, and its change when it changed', () => {
    const before = completeForm({ indicators: [output, extra, benefit, satisfaction] });
    expect(formChanges(before, completeForm({ indicators: [satisfaction, output, extra, benefit] })).rows).toEqual([]);
    const changed = formChanges(before, completeForm({ indicators: [{ ...satisfaction, score: 9 }, output, extra, benefit] })).rows;
    expect(changed.map((r) => [r.change, r.index, r.previousIndex, r.fields.map((f) => f.path)])).toEqual([['changed', 0, 3, ['indicators[0].score']]]);
  });
});

describe('rowMoves of rows without a name', () => {
  it('pairs them by position only: a row named since, and an empty row added after it, are not confused', () => {
    const unnamed = { ...extra, name: '' };
    const form = completeForm({ indicators: [output, unnamed] });
    // Row 2 got its name; a new empty row came after it: row 2 stays row 2.
    expect(rowMoves(form, completeForm({ indicators: [output, { ...unnamed, name: '稿件合格率' }, unnamed] }))).toEqual([0, 1]);
    expect(rowMoves(completeForm({ indicators: [output, unnamed, benefit] }), completeForm({ indicators: [output, { ...unnamed, name: '稿件合格率' }, unnamed, benefit] }))).toEqual([0, 1, 3]);
  });
});
