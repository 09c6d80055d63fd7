import { describe, it, expect } from '@jest/globals';
import { NOTIFICATION_KINDS } from './notification.js';
import { actorPhrase, composeNotification, describeCommentTarget, formatBeijingTime, formatDuration } from './notification-texts.js';

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

  it('tells a drafter how much of the form is still empty in a reminder or an overdue notice, and says nothing when nothing is', () => {
    for (const kind of ['reminder', 'overdue'] as const) {
      expect(composeNotification(kind, { ...base, missing: 15 }).body).toContain('表中目前还有 15 处未填写，打开表单可在“检查结果”中逐项查看。');
      expect(composeNotification(kind, { ...base, missing: 0 }).body).not.toContain('未填写');
      expect(composeNotification(kind, base).body).not.toContain('未填写');
    }
    expect(composeNotification('escalation', { ...base, missing: 15 }).body).not.toContain('未填写');
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

describe('who acted, with any display name', () => {
  const at = { ...base, comments: [] };

  it('does not repeat the role word when the name already holds one (the demo users)', () => {
    expect(composeNotification('returned', { ...at, actorName: '审核人（演示）' }).body).toContain('已由审核人（演示）退回修改');
    expect(composeNotification('approved', { ...at, actorName: '审核人（演示）' }).body).toContain('已由审核人（演示）审核通过');
    expect(composeNotification('review_requested', { ...at, actorName: '填报人（演示）' }).body).toContain('您好：\n\n填报人（演示）已提交');
    expect(composeNotification('published', { ...at, actorName: '管理员（演示）' }).body).toContain('已由管理员（演示）公开');
    expect(composeNotification('published', { ...at, actorName: '系统管理员（演示）' }).body).toContain('已由系统管理员（演示）公开');
    for (const kind of ['returned', 'approved', 'review_requested', 'published'] as const) {
      for (const name of ['审核人（演示）', '填报人（演示）', '管理员（演示）']) {
        expect(composeNotification(kind, { ...at, actorName: name }).body).not.toMatch(/(填报人|审核人|管理员)\1|管理员系统管理员|审核人填报人|填报人审核人/);
      }
    }
  });

  it('names an ordinary person with their role, and the role alone without a name', () => {
    expect(composeNotification('returned', { ...at, actorName: '张三' }).body).toContain('已由审核人张三退回修改');
    expect(composeNotification('approved', { ...at, actorName: ' 李四 ' }).body).toContain('已由审核人李四审核通过');
    expect(composeNotification('review_requested', { ...at, actorName: '王五' }).body).toContain('填报人王五已提交');
    expect(composeNotification('published', { ...at, actorName: '赵六' }).body).toContain('已由管理员赵六公开');
    expect(composeNotification('returned', { ...at, actorName: null }).body).toContain('已由审核人退回修改');
    expect(composeNotification('published', { ...at, actorName: '  ' }).body).toContain('已由管理员公开');
  });

  it('phrases the actor alone', () => {
    expect(actorPhrase('审核人（演示）', '审核人')).toBe('审核人（演示）');
    expect(actorPhrase('系统管理员（演示）', '管理员')).toBe('系统管理员（演示）');
    expect(actorPhrase('张三', '审核人')).toBe('审核人张三');
    expect(actorPhrase(undefined, '填报人')).toBe('填报人');
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
