import { describeFormPath } from '#perf-eval/evaluation';
import type { NotificationKind } from './notification.js';

/**
 * Chinese (zh-CN) texts of the notifications. Deadlines are instants; people read them in
 * China Standard Time, so every date shown here is formatted in Asia/Shanghai, never in the
 * machine's zone.
 */

export interface ReviewComment {
  /** null = a general comment; otherwise a form target such as "projectName", "funds.total.executed", "indicators[2]". */
  target: string | null;
  text: string;
}

export interface NotificationContext {
  projectName: string;
  unitName: string;
  /** The deadline that matters for this kind: submission for drafters/managers, review for reviewers. */
  deadline?: Date | null;
  cycleName?: string | null;
  /** Who acted: the submitter (review_requested), the reviewer (returned/approved), the publisher (published). */
  actorName?: string | null;
  comments?: ReviewComment[];
  /** The review step concerned (review_requested, review_overdue, step_approved: the step approved), e.g. "department". */
  stepName?: string | null;
  /** step_approved: the step the form went on to. */
  nextStepName?: string | null;
  link?: string | null;
  /** Since when a submitted form waits for review (review_overdue). */
  waitingSince?: Date | null;
  /** The instant "time left"/"overdue by" is measured from; defaults to the current time. */
  now?: Date;
  /** reminder, overdue: how many cells the Draft still needs before it can be submitted (its 待填写), when the notice is written. */
  missing?: number | null;
}

export interface ComposedNotification {
  title: string;
  body: string;
}

const BEIJING = 'Asia/Shanghai';

const beijingParts = new Intl.DateTimeFormat('en-US', {
  timeZone: BEIJING,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function partsOf(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const out: Record<string, string> = {};
  for (const p of beijingParts.formatToParts(date)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

/** `2026年12月1日 18:00（北京时间）` — the instant as read in China Standard Time. */
export function formatBeijingTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('formatBeijingTime: invalid date');
  const p = partsOf(date);
  const hour = p.hour === '24' ? '00' : p.hour.padStart(2, '0');
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${hour}:${p.minute.padStart(2, '0')}（北京时间）`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A positive span as people say it: "3 天", "2 天 5 小时", "4 小时 10 分钟", "25 分钟", "不足 1 分钟". */
export function formatDuration(ms: number): string {
  const span = Math.max(0, ms);
  const days = Math.floor(span / DAY);
  const hours = Math.floor((span % DAY) / HOUR);
  const minutes = Math.floor((span % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${days} 天 ${hours} 小时` : `${days} 天`;
  if (hours > 0) return minutes > 0 ? `${hours} 小时 ${minutes} 分钟` : `${hours} 小时`;
  if (minutes > 0) return `${minutes} 分钟`;
  return '不足 1 分钟';
}

// ---- comment targets ---------------------------------------------------------------------

/**
 * The Chinese label of a comment target (the form-path grammar of the evaluation domain):
 * null → 总体意见; "funds.total.executed" → 项目资金·年度资金总额·全年执行数; "indicators[2].score" → 绩效指标第 3 行·得分.
 * An unknown target is shown as written.
 */
export function describeCommentTarget(target: string | null): string {
  return describeFormPath(target);
}

// ---- texts --------------------------------------------------------------------------------

function bookTitle(name: string): string {
  const n = name.trim();
  return n.startsWith('《') && n.endsWith('》') ? n : `《${n}》`;
}

/** "北京市某单位的《某项目》项目支出绩效自评表（2021 年度项目支出绩效自评）" */
function formPhrase(ctx: NotificationContext): string {
  const cycle = ctx.cycleName?.trim() ? `（${ctx.cycleName.trim()}）` : '';
  return `${ctx.unitName}的${bookTitle(ctx.projectName)}项目支出绩效自评表${cycle}`;
}

/** "提交截止时间为 2026年12月1日 18:00（北京时间），距提交截止还有 3 天。" or, once passed, "…已过，已逾期 2 天。" */
function deadlineSentence(label: '提交' | '审核' | '办理', deadline: Date | null | undefined, now: Date): string {
  if (!deadline) return '';
  const left = deadline.getTime() - now.getTime();
  const when = formatBeijingTime(deadline);
  if (left > 0) return `${label}截止时间为 ${when}，距${label}截止还有 ${formatDuration(left)}。`;
  return `${label}截止时间 ${when}已过，已逾期 ${formatDuration(-left)}。`;
}

/** Role words of the workflow; a display name holding one already says who acted. */
const ROLE_WORDS = ['填报人', '审核人', '管理员'];

/**
 * Who acted, as the sentence needs it: "审核人张三" for an ordinary name, the name alone when it already
 * holds a role word ("审核人（演示）", "系统管理员（演示）" — never "审核人审核人（演示）"), the role word
 * alone without a name.
 */
export function actorPhrase(name: string | null | undefined, role: string): string {
  const n = name?.trim();
  if (!n) return role;
  return ROLE_WORDS.some((word) => n.includes(word)) ? n : `${role}${n}`;
}

function commentLines(comments: ReviewComment[] | undefined): string {
  const list = (comments ?? []).filter((c) => c.text.trim() !== '');
  if (list.length === 0) return '审核意见：（审核人未填写具体意见，请与审核人联系。）';
  // General comments first, then the ones aimed at a field or row, in the reviewer's order.
  const ordered = [...list.filter((c) => !c.target), ...list.filter((c) => c.target)];
  return ['审核意见：', ...ordered.map((c, i) => `${i + 1}. ${describeCommentTarget(c.target)}：${c.text.trim()}`)].join('\n');
}

/** What the form still lacks, so that a drafter knows the work left (nothing when it lacks nothing). */
function missingSentence(missing: number | null | undefined): string | null {
  return missing && missing > 0 ? `表中目前还有 ${missing} 处未填写，打开表单可在“检查结果”中逐项查看。` : null;
}

function assemble(paragraphs: (string | null | undefined | false)[], link: string | null | undefined): string {
  const parts = paragraphs.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (link?.trim()) parts.push(`查看详情：${link.trim()}`);
  return ['您好：', ...parts].join('\n\n');
}

const STEP_LABELS: Record<string, string> = { unit: '单位审核', department: '主管部门审核' };

function stepLabel(step: string): string {
  return STEP_LABELS[step] ?? step;
}

/** The title and body of one notification, in Chinese. */
export function composeNotification(kind: NotificationKind, ctx: NotificationContext): ComposedNotification {
  const now = ctx.now ?? new Date();
  const project = bookTitle(ctx.projectName);
  const form = formPhrase(ctx);
  const left = ctx.deadline ? ctx.deadline.getTime() - now.getTime() : null;

  switch (kind) {
    case 'reminder': {
      const title =
        left !== null && left > 0
          ? `【填报提醒】${project}绩效自评表距提交截止还有 ${formatDuration(left)}`
          : `【填报提醒】${project}绩效自评表尚未提交`;
      return {
        title,
        body: assemble(
          [`${form}尚未提交审核。${deadlineSentence('提交', ctx.deadline, now)}`, missingSentence(ctx.missing), '请及时完成填报并提交审核。'],
          ctx.link,
        ),
      };
    }
    case 'overdue':
      return {
        title: `【逾期提醒】${project}绩效自评表已超过提交截止时间`,
        body: assemble(
          [
            `${form}尚未提交审核。${deadlineSentence('提交', ctx.deadline, now) || '提交截止时间已过。'}`,
            missingSentence(ctx.missing),
            '请尽快完成填报并提交审核；如有特殊情况，请及时与管理员联系。',
          ],
          ctx.link,
        ),
      };
    case 'escalation':
      return {
        title: `【逾期督办】${ctx.unitName}${project}绩效自评表逾期未完成`,
        body: assemble(
          [
            `${form}仍未完成。${deadlineSentence('办理', ctx.deadline, now) || '办理截止时间已过。'}`,
            '请督促相关填报人、审核人尽快办理。',
          ],
          ctx.link,
        ),
      };
    case 'review_requested':
      if (ctx.stepName && ctx.stepName !== 'unit') {
        return {
          title: `【待审核】${ctx.unitName}${project}绩效自评表已转${stepLabel(ctx.stepName)}，请审核`,
          body: assemble(
            [`${form}已由${actorPhrase(ctx.actorName, '审核人')}审核通过上一级审核，现转${stepLabel(ctx.stepName)}，请您审核。${deadlineSentence('审核', ctx.deadline, now)}`],
            ctx.link,
          ),
        };
      }
      return {
        title: `【待审核】${ctx.unitName}${project}绩效自评表已提交，请审核`,
        body: assemble(
          [`${actorPhrase(ctx.actorName, '填报人')}已提交${form}，请您审核。${deadlineSentence('审核', ctx.deadline, now)}`],
          ctx.link,
        ),
      };
    case 'step_approved':
      return {
        title: `【审核进度】${project}绩效自评表已通过${stepLabel(ctx.stepName ?? 'unit')}`,
        body: assemble(
          [`${form}已由${actorPhrase(ctx.actorName, '审核人')}审核通过（${stepLabel(ctx.stepName ?? 'unit')}），已转${stepLabel(ctx.nextStepName ?? 'department')}。`, ctx.comments?.length ? commentLines(ctx.comments) : null],
          ctx.link,
        ),
      };
    case 'withdrawn':
      return {
        title: `【已撤回】${ctx.unitName}${project}绩效自评表已被填报人撤回`,
        body: assemble([`${form}已由${actorPhrase(ctx.actorName, '填报人')}撤回修改，暂无需审核；重新提交后将再次通知您。`], ctx.link),
      };
    case 'review_overdue': {
      const waiting = ctx.waitingSince
        ? `该表于 ${formatBeijingTime(ctx.waitingSince)}提交，已等待审核 ${formatDuration(now.getTime() - ctx.waitingSince.getTime())}。`
        : '该表已等待审核较长时间。';
      return {
        title: `【审核催办】${ctx.unitName}${project}绩效自评表待审核`,
        body: assemble(
          [`${form}尚待您审核。${waiting}${deadlineSentence('审核', ctx.deadline, now)}`, '请尽快审核通过或退回修改。'],
          ctx.link,
        ),
      };
    }
    case 'returned':
      return {
        title: `【退回修改】${project}绩效自评表已被退回`,
        body: assemble(
          [
            `${form}已由${actorPhrase(ctx.actorName, '审核人')}退回修改。`,
            commentLines(ctx.comments),
            `请根据审核意见修改后重新提交。${deadlineSentence('提交', ctx.deadline, now)}`,
          ],
          ctx.link,
        ),
      };
    case 'approved':
      return {
        title: `【审核通过】${project}绩效自评表已审核通过`,
        body: assemble([`${form}已由${actorPhrase(ctx.actorName, '审核人')}审核通过，待管理员公开。`], ctx.link),
      };
    case 'published':
      return {
        title: `【已公开】${project}绩效自评表已公开`,
        body: assemble(
          [
            `${form}已由${actorPhrase(ctx.actorName, '管理员')}公开。`,
            '公开后的自评表为只读；如需更正，请发起修订，修订稿将重新履行填报、审核流程。',
          ],
          ctx.link,
        ),
      };
    default: {
      const never: never = kind;
      throw new Error(`Unknown notification kind: ${String(never)}`);
    }
  }
}
