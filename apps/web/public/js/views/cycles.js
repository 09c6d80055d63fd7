import { api } from '../api.js';
import { h, clear, loading, pageHeader, modal, fmtDateTime, isoToBeijingInput, beijingInputToIso, toast } from '../dom.js';
import { showError } from '../errors.js';

/** "P7D" → "7"; anything else stays as written. */
function durationToText(d) {
  const m = /^P(\d+)D$/.exec(String(d ?? ''));
  return m ? m[1] : String(d ?? '');
}
function textToDuration(t) {
  const s = String(t).trim();
  if (!s) return null;
  return /^\d+$/.test(s) ? `P${s}D` : s.toUpperCase();
}
function describeDuration(d) {
  const m = /^P(\d+)D$/.exec(String(d ?? ''));
  if (m) return `${m[1]} 天`;
  const hm = /^PT(\d+)H$/.exec(String(d ?? ''));
  return hm ? `${hm[1]} 小时` : String(d ?? '—');
}

export async function renderCycles(ctx) {
  const { main } = ctx;
  const body = h('div', loading());
  clear(main).append(
    pageHeader('评价批次', h('button.btn.btn-primary', { type: 'button', onclick: () => editCycle(null, () => renderCycles(ctx)) }, '＋ 新建批次')),
    h('p.muted', '每个批次是一轮自评，例如“2021 年度项目支出绩效自评”。截止时间按北京时间填写；系统在提交截止前按提醒策略提醒填报人，表格等待审核过久时提醒审核人，逾期时向管理员督办。'),
    body);
  let list;
  try {
    list = await api.get('/cycles');
  } catch (err) {
    if (!ctx.isCurrent()) return;
    clear(body).append(err.status === 404 ? h('div.empty', '评价批次功能尚未启用。') : h('div.error-box', err.message));
    return;
  }
  if (!ctx.isCurrent()) return;
  const cycles = Array.isArray(list) ? list : (list?.items ?? []);
  clear(body);
  if (!cycles.length) {
    body.append(h('div.empty', '还没有评价批次。'));
    return;
  }
  body.append(h('div.table-wrap', h('table.table',
    h('thead', h('tr', h('th.num', '年度'), h('th', '批次名称'), h('th', '提交截止（北京时间）'), h('th', '审核截止（北京时间）'), h('th', '提醒策略'), h('th', '操作'))),
    h('tbody', cycles.map((c) => {
      const progress = h('div.job', { hidden: true });
      return h('tr',
        h('td.num', c.fiscalYear),
        h('td', c.name, progress),
        h('td.nowrap', fmtDateTime(c.submissionDeadline), pastTag(c.submissionDeadline)),
        h('td.nowrap', fmtDateTime(c.reviewDeadline), pastTag(c.reviewDeadline)),
        h('td.small', policyText(c.reminderPolicy)),
        h('td.nowrap',
          h('button.btn.btn-sm', { type: 'button', onclick: () => editCycle(c, () => renderCycles(ctx)) }, '修改'), ' ',
          h('button.btn.btn-sm', { type: 'button', title: '按当前评分规则重新计算本批次全部自评表的得分与检查结果', onclick: (e) => recompute(c, e.currentTarget, progress) }, '重新计算')));
    })))));
}

function pastTag(iso) {
  return iso && new Date(iso).getTime() < Date.now() ? h('span.tag.tag-past', '已过') : null;
}

function policyText(p) {
  if (!p) return '—';
  const before = (p.before ?? []).map(describeDuration).join('、');
  return [before ? `截止前 ${before}提醒` : null, p.reviewWait ? `待审超过 ${describeDuration(p.reviewWait)}提醒审核人` : null].filter(Boolean).join('；') || '—';
}

function editCycle(cycle, done) {
  const now = new Date().getFullYear();
  const year = h('input', { type: 'number', min: 2000, max: 2100, value: cycle?.fiscalYear ?? now - 1 });
  const name = h('input', { value: cycle?.name ?? `${now - 1} 年度项目支出绩效自评`, maxlength: 200 });
  const submission = h('input', { type: 'datetime-local', value: isoToBeijingInput(cycle?.submissionDeadline) });
  const review = h('input', { type: 'datetime-local', value: isoToBeijingInput(cycle?.reviewDeadline) });
  const before = h('input', { value: (cycle?.reminderPolicy?.before ?? ['P7D', 'P3D', 'P1D']).map(durationToText).join(', '), placeholder: '7, 3, 1' });
  const reviewWait = h('input', { value: durationToText(cycle?.reminderPolicy?.reviewWait ?? 'P3D'), placeholder: '3' });
  const field = (label, control, hint) => h('label.field', h('span.field-label', label), control, hint ? h('span.hint', hint) : null);
  return modal({
    title: cycle ? '修改评价批次' : '新建评价批次',
    body: h('div.form-grid.form-grid-2',
      field('年度', year),
      field('批次名称', name),
      field('提交截止', submission, '北京时间'),
      field('审核截止', review, '北京时间'),
      field('截止前提醒（天，逗号分隔）', before, '例如 7, 3, 1；也可填 ISO 时长如 PT12H'),
      field('待审核提醒（天）', reviewWait, '表格提交后等待审核超过此时长提醒审核人')),
    buttons: [{ label: '取消' }, {
      label: '保存', kind: 'primary', onClick: async () => {
        const payload = {
          fiscalYear: Number(year.value),
          name: name.value.trim(),
          submissionDeadline: beijingInputToIso(submission.value),
          reviewDeadline: beijingInputToIso(review.value),
          reminderPolicy: {
            before: before.value.split(/[,，、\s]+/).map(textToDuration).filter(Boolean),
            reviewWait: textToDuration(reviewWait.value) ?? 'P3D',
          },
        };
        if (!payload.name || !payload.submissionDeadline || !payload.reviewDeadline) {
          toast('请填写批次名称和两个截止时间', 'error');
          return false;
        }
        if (payload.reviewDeadline < payload.submissionDeadline) {
          toast('审核截止不能早于提交截止', 'error');
          return false;
        }
        try {
          if (cycle) await api.patch(`/cycles/${cycle.id}`, payload);
          else await api.post('/cycles', payload);
          toast('已保存', 'success');
          done();
          return true;
        } catch (err) {
          showError(err);
          return false;
        }
      },
    }],
  });
}

async function recompute(cycle, button, box) {
  button.disabled = true;
  const bar = h('div.progress-bar');
  const label = h('span.small.muted', '正在排队…');
  clear(box).append(h('div.progress.progress-sm', bar), label);
  box.hidden = false;
  try {
    const { jobId } = await api.post(`/cycles/${cycle.id}/recompute`, {});
    for (let i = 0; i < 900; i++) {
      const job = await api.get(`/jobs/${encodeURIComponent(jobId)}`);
      const pct = job.total ? Math.round((job.done / job.total) * 100) : job.status === 'completed' ? 100 : 0;
      bar.style.width = `${pct}%`;
      label.textContent = `${jobStatus(job.status)} ${job.done ?? 0} / ${job.total ?? '?'}`;
      if (['completed', 'failed', 'done', 'error'].includes(job.status) || (job.total && job.done >= job.total && !['active', 'running'].includes(job.status))) {
        toast(job.status === 'failed' || job.status === 'error' ? '重新计算失败' : '重新计算完成', job.status === 'failed' || job.status === 'error' ? 'error' : 'success');
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (err) {
    label.textContent = err.status === 404 ? '重新计算功能尚未启用' : err.message;
  } finally {
    button.disabled = false;
  }
}

function jobStatus(s) {
  return { waiting: '排队中', queued: '排队中', active: '计算中', running: '计算中', completed: '已完成', done: '已完成', failed: '失败', error: '失败', delayed: '等待中' }[s] ?? (s ?? '');
}
