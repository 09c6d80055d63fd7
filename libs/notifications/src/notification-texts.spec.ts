import { describe, it, expect } from '@jest/globals';
import { NOTIFICATION_KINDS } from './notification.js';
import { composeNotification, describeCommentTarget, formatBeijingTime, formatDuration } from './notification-texts.js';

const base = {
  projectName: '关心下一代工作宣传项目',
  unitName: '北京市关心下一代工作委员会办公室',
  cycleName: '2021 年度项目支出绩效自评',
  deadline: new Date('2026-12-01T10:00:00Z'),
  now: new Date('2026-11-28T10:00:00Z'),
  actorName: '张审核',
  waitingSince: new Date('2026-11-20T02:30:00Z'),
  comments: [{ target: null, text: '请补充说明' }],
  link: 'https://perf-eval.example.cn/evaluations/e-1',
};

const hasChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);

describe('composeNotification', () => {
  it.each(NOTIFICATION_KINDS.map((k) => [k]))('writes a Chinese title and body naming the project for %s', (kind) => {
    const { title, body } = composeNotification(kind, base);
    expect(hasChinese(title)).toBe(true);
    expect(hasChinese(body)).toBe(true);
    expect(title).toContain('《关心下一代工作宣传项目》');
    expect(body).toContain('《关心下一代工作宣传项目》');
    expect(body).toContain('北京市关心下一代工作委员会办公室');
    expect(body).toContain('查看详情：https://perf-eval.example.cn/evaluations/e-1');
    expect(body).not.toMatch(/undefined|null|NaN/);
  });

  it('writes sensible texts when the optional context is missing', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const { title, body } = composeNotification(kind, { projectName: '培训项目', unitName: '某单位' });
      expect(title).toContain('《培训项目》');
      expect(body).toContain('某单位的《培训项目》');
      expect(`${title}${body}`).not.toMatch(/undefined|null|NaN|查看详情/);
    }
  });

  it('shows the deadline in Beijing time whatever the machine zone (10:00Z → 18:00)', () => {
    const { body } = composeNotification('reminder', base);
    expect(body).toContain('2026年12月1日 18:00（北京时间）');
    expect(formatBeijingTime(new Date('2026-12-01T10:00:00Z'))).toBe('2026年12月1日 18:00（北京时间）');
    // 16:30 UTC is already the next day in Beijing
    expect(formatBeijingTime(new Date('2026-12-31T16:30:00Z'))).toBe('2027年1月1日 00:30（北京时间）');
  });

  it('tells a drafter how much time is left before the submission deadline', () => {
    const { title, body } = composeNotification('reminder', base);
    expect(body).toContain('距提交截止还有 3 天');
    expect(title).toContain('距提交截止还有 3 天');
    const soon = composeNotification('reminder', { ...base, now: new Date('2026-12-01T05:45:00Z') });
    expect(soon.body).toContain('距提交截止还有 4 小时 15 分钟');
  });

  it('tells how long a deadline has been passed for overdue and escalation', () => {
    const late = { ...base, now: new Date('2026-12-03T12:00:00Z') };
    expect(composeNotification('overdue', late).body).toContain('已逾期 2 天 2 小时');
    const escalation = composeNotification('escalation', late);
    expect(escalation.title).toContain('北京市关心下一代工作委员会办公室');
    expect(escalation.body).toContain('已逾期 2 天 2 小时');
  });

  it('tells a reviewer since when the form waits', () => {
    const { body } = composeNotification('review_overdue', base);
    expect(body).toContain('2026年11月20日 10:30（北京时间）提交，已等待审核 8 天 7 小时');
  });

  it('lists the reviewer comments of a returned form with their Chinese targets', () => {
    const { title, body } = composeNotification('returned', {
      ...base,
      comments: [
        { target: 'indicators[2]', text: '实际完成值与佐证材料不符' },
        { target: null, text: '请完善偏差分析' },
        { target: 'funds.total.executed', text: '执行数与决算不一致' },
        { target: 'projectName', text: '名称应与预算批复一致' },
        { target: 'indicators[0].score', text: '得分偏高' },
        { target: 'goals.actual', text: '请量化' },
      ],
    });
    expect(title).toContain('退回');
    expect(body).toContain('张审核');
    expect(body).toContain('1. 总体意见：请完善偏差分析');
    expect(body).toContain('绩效指标第 3 行：实际完成值与佐证材料不符');
    expect(body).toContain('项目资金·年度资金总额·全年执行数：执行数与决算不一致');
    expect(body).toContain('项目名称：名称应与预算批复一致');
    expect(body).toContain('绩效指标第 1 行·得分：得分偏高');
    expect(body).toContain('年度总体目标·实际完成情况：请量化');
  });
});

describe('describeCommentTarget', () => {
  it('maps the known targets and keeps unknown ones as written', () => {
    expect(describeCommentTarget(null)).toBe('总体意见');
    expect(describeCommentTarget('contactPhone')).toBe('联系电话');
    expect(describeCommentTarget('funds')).toBe('项目资金');
    expect(describeCommentTarget('funds.carryOver')).toBe('项目资金·上年结转资金');
    expect(describeCommentTarget('funds.currentYear.initialBudget')).toBe('项目资金·当年财政拨款·年初预算数');
    expect(describeCommentTarget('indicators[9].deviation')).toBe('绩效指标第 10 行·偏差原因分析及改进措施');
    expect(describeCommentTarget('somethingElse')).toBe('somethingElse');
  });
});

describe('formatDuration', () => {
  it('says spans as people say them', () => {
    expect(formatDuration(3 * 86_400_000)).toBe('3 天');
    expect(formatDuration(90 * 60_000)).toBe('1 小时 30 分钟');
    expect(formatDuration(59_000)).toBe('不足 1 分钟');
  });
});
