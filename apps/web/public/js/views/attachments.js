// 佐证材料 (evidence files) of a form: the list, upload (whole form or one indicator row) and delete while the form
// is a Draft the user may edit, and a 📎 count on the rows that have evidence. The API decides who may do what
// (`allowedActions` carries attach/detach); this only shows what it offers.
import { api, download } from '../api.js';
import { h, clear, confirmDialog, toast, fmtDateTime, loading } from '../dom.js';
import { showError } from '../errors.js';

const ACCEPT = [
  '.pdf', '.jpg', '.jpeg', '.png', '.docx', '.xlsx',
  'application/pdf', 'image/jpeg', 'image/png',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
].join(',');

const KINDS = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
};

/** "340 KB", "1.2 MB". */
export function fmtSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The 佐证材料 card of a form page. `formArea`: the rendered form, whose indicator rows get a 📎 count;
 * `onVersion(version)`: the form's version moved by an upload or a deletion (the editor keeps saving with it);
 * `rowNow(i)`: where row i of the saved form is in the editor now (-1: deleted), `rowsMoved()`: whether the
 * editor holds rows added, moved or deleted and not saved (an upload for a row then waits for the save).
 */
export function attachmentsSection({ view, formArea, onVersion, rowNow = (i) => i, rowsMoved = () => false }) {
  const id = view.id;
  const mayAttach = view.allowedActions.includes('attach');
  const mayDetach = view.allowedActions.includes('detach');
  let items = [];

  const listBox = h('div.attachments-list', loading());
  const section = h('section.card.form-section.attachments', { dataset: { path: 'attachments', place: '佐证材料' }, 'aria-label': '佐证材料' },
    h('div.section-head', h('h2.section-title', '佐证材料', h('span.muted.small', '（PDF、JPEG、PNG、Word、Excel）'))));
  section.append(...[mayAttach ? uploader() : null, listBox].filter(Boolean));

  function rowName(i) {
    const name = view.form.indicators[i]?.name?.trim();
    return `第 ${i + 1} 行${name ? ` · ${name.length > 24 ? `${name.slice(0, 24)}…` : name}` : ''}`;
  }

  function uploader() {
    const target = h('select', { 'aria-label': '佐证材料所属' },
      h('option', { value: '' }, '整张表'),
      view.form.indicators.map((_, i) => h('option', { value: `indicators[${i}]` }, `绩效指标${rowName(i)}`)));
    const input = h('input.file-input', { type: 'file', accept: ACCEPT, 'aria-label': '选择要上传的佐证材料' });
    const status = h('span.muted.small', { role: 'status' });
    const pick = h('button.btn.btn-sm.btn-primary', { type: 'button', onclick: () => input.click() }, '上传文件…');
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      if (target.value && rowsMoved()) {
        // The rows are numbered as saved; the editor's differ until the save.
        toast('指标行有未保存的添加、移动或删除，请先保存，再为某一行上传佐证材料', 'error');
        input.value = '';
        return;
      }
      const form = new FormData();
      form.append('file', file, file.name);
      pick.disabled = true;
      status.textContent = `正在上传 ${file.name}（${fmtSize(file.size)}）…`;
      try {
        const added = await api.upload(`/evaluations/${id}/attachments`, form, { target: target.value || undefined });
        onVersion(added.version);
        toast(`已上传：${added.fileName}`, 'success');
        await refresh();
      } catch (err) {
        showError(err);
      } finally {
        pick.disabled = false;
        status.textContent = '';
        input.value = '';
      }
    });
    // A row's 📎 button chooses that row before the file.
    section.addEventListener('attach-to', (e) => {
      target.value = e.detail;
      input.click();
    });
    return h('div.attachments-upload',
      h('label.field.field-inline', h('span.field-label', '所属'), target),
      pick, input, status,
      h('span.muted.small', '按文件内容识别类型；单个文件与每张表的合计各有大小上限。'));
  }

  async function remove(item) {
    if (!(await confirmDialog('删除佐证材料', `确定删除“${item.fileName}”吗？删除后仍保留在操作记录中。`, '删除', 'danger'))) return;
    try {
      await api.delete(`/evaluations/${id}/attachments/${item.id}`);
      // The deletion moved the version by one; had anything else moved it, the next save still refuses (409).
      onVersion(null);
      toast('已删除', 'success');
      await refresh();
    } catch (err) {
      showError(err);
    }
  }

  function render() {
    if (!items.length) {
      clear(listBox).append(h('p.muted', mayAttach ? '尚未上传佐证材料。可上传整张表或某一行指标的佐证。' : '没有佐证材料。'));
    } else {
      clear(listBox).append(h('div.table-wrap', h('table.table.table-attachments',
        h('thead', h('tr', h('th', '文件'), h('th', '所属'), h('th.num', '大小'), h('th', '上传人'), h('th', '上传时间'), mayDetach ? h('th', '') : null)),
        h('tbody', items.map((a) => h('tr', { dataset: { attachment: a.id, target: a.target ?? '' } },
          h('td', h('button.link-btn.attachment-name', { type: 'button', title: '下载', onclick: () => open(a) }, a.fileName), h('span.tag', KINDS[a.contentType] ?? a.contentType)),
          h('td', a.target ? h('button.link-btn', { type: 'button', title: '定位', onclick: () => locate(a.target) }, a.place ?? a.target) : h('span.muted', '整张表')),
          h('td.num.mono.nowrap', fmtSize(a.size)),
          h('td', a.uploaderName ?? '—'),
          h('td.nowrap', fmtDateTime(a.uploadedAt)),
          mayDetach ? h('td.row-tools', h('button.icon-btn.icon-danger', { type: 'button', 'aria-label': `删除 ${a.fileName}`, title: '删除', onclick: () => remove(a) }, '✕')) : null))))));
    }
    markRows();
  }

  async function open(a) {
    try {
      await download(`/evaluations/${id}/attachments/${a.id}`, undefined, a.fileName);
    } catch (err) {
      showError(err);
    }
  }

  function locate(target) {
    const el = formArea.querySelector(`[data-path="${CSS.escape(target)}"]`);
    if (!el) return;
    const cell = el.closest('td, .field, tr, section') ?? el;
    cell.scrollIntoView({ behavior: 'smooth', block: 'center' });
    cell.classList.add('hl');
    setTimeout(() => cell.classList.remove('hl'), 3000);
  }

  /** 📎 n on each indicator row that has evidence (and, editing, a 📎 to upload for the row). */
  function markRows() {
    for (const old of formArea.querySelectorAll('.evidence-mark')) old.remove();
    const counts = new Map();
    // Counted on the saved rows, marked where each of them is in the editor now.
    for (const a of items) {
      const saved = /^indicators\[(\d+)\]/.exec(a.target ?? '');
      const now = saved ? rowNow(Number(saved[1])) : -1;
      if (now >= 0) counts.set(`indicators[${now}]`, (counts.get(`indicators[${now}]`) ?? 0) + 1);
    }
    const moved = rowsMoved();
    for (const tr of formArea.querySelectorAll('tr.ind-row[data-path]')) {
      const row = tr.dataset.path;
      const n = counts.get(row) ?? 0;
      const cell = tr.firstElementChild;
      if (!cell) continue;
      if (n > 0) {
        cell.append(h('button.evidence-mark.evidence-count', {
          type: 'button',
          title: `${n} 个佐证材料`,
          'aria-label': `${moved ? `第 ${Number(/\d+/.exec(row)[0]) + 1} 行` : rowName(Number(/\d+/.exec(row)[0]))}：${n} 个佐证材料`,
          onclick: () => showRow(row),
        }, clip(), String(n)));
      } else if (mayAttach && !moved) {
        cell.append(h('button.evidence-mark.evidence-add', {
          type: 'button',
          title: '为此行上传佐证材料',
          'aria-label': `为${rowName(Number(/\d+/.exec(row)[0]))}上传佐证材料`,
          onclick: () => section.dispatchEvent(new CustomEvent('attach-to', { detail: row })),
        }, clip()));
      }
    }
  }

  function showRow(row) {
    section.scrollIntoView({ behavior: 'smooth', block: 'start' });
    for (const tr of listBox.querySelectorAll('tr[data-attachment]')) {
      const saved = /^indicators\[(\d+)\]/.exec(tr.dataset.target ?? '');
      if (!saved || `indicators[${rowNow(Number(saved[1]))}]` !== row) continue;
      tr.classList.add('hl');
      setTimeout(() => tr.classList.remove('hl'), 3000);
    }
  }

  async function refresh() {
    try {
      items = await api.get(`/evaluations/${id}/attachments`);
      render();
    } catch (err) {
      clear(listBox).append(h('div.error-box', err.message));
    }
  }

  // Rows are drawn again when they are added, moved or removed: the marks follow.
  const tbody = formArea.querySelector('.table-indicators tbody');
  if (tbody) new MutationObserver((changes) => { if (changes.some((c) => [...c.addedNodes].some((n) => n.nodeName === 'TR'))) markRows(); }).observe(tbody, { childList: true });
  refresh();
  return section;
}

/** What the history says of an upload or a removal: the file and where it belonged (a removal names the file its upload recorded). */
export function attachmentEventDetails(e, entries) {
  const added = e.type === 'EvaluationAttachmentAdded'
    ? e.payload?.attachment
    : entries.find((x) => x.type === 'EvaluationAttachmentAdded' && x.payload?.attachment?.id === e.payload?.attachmentId)?.payload?.attachment;
  if (!added) return '';
  const row = /^indicators\[(\d+)\]/.exec(added.target ?? '');
  const where = !added.target ? '整张表' : row ? `绩效指标第 ${Number(row[1]) + 1} 行` : added.target;
  return `${added.fileName}（${where}，${fmtSize(added.size)}）`;
}

/**
 * A paperclip (📎) drawn as SVG: the emoji needs a colour-emoji font, which a Linux desktop may lack.
 * Path after Feather's "paperclip" (MIT).
 */
function clip() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('clip-icon');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48');
  svg.append(path);
  return svg;
}
