import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import JSZip from 'jszip';
import request from 'supertest';
import { FaultSystem, figure } from '../support/fault-system.js';
import { ApiClient } from '../support/api-client.js';
import { newMediaForm } from '../support/forms.js';
import { pdfText } from '../support/pdf-text.js';
import { SseStream } from '../support/sse.js';

/**
 * THE table: what each person may do to a form, by role, by whose unit the form is in, by the form's state.
 * Nothing below decides an expectation; everything below reads it from here.
 *
 * It is written from the rules, not from what the API answers:
 * - README / roles.ts: managers and admins see every unit, everyone else only their own; another unit's
 *   form answers 404 NOT_FOUND as if it did not exist (and that is checked first: unit → 404);
 * - DOMAIN.md's people, evaluation-access.ts's role table: drafters create (and copy to next year: only
 *   from their own units), edit and submit; reviewers approve and return; managers publish; a correction
 *   (reopen) is for managers and drafters; admins run units and users and act on no form (role → 403 FORBIDDEN);
 *   a Draft never published is deleted (删除草稿, `discard`) by the drafters who may edit it: it then leaves the read models;
 *   a drafter drafts for the units they belong to ("creates and edits drafts for the units they belong to"),
 *   also when another role lets them see every unit (role → 403 FORBIDDEN in another unit);
 * - the state machine Draft → Submitted → Reviewed → Published (state → 409 ILLEGAL_TRANSITION); reads,
 *   history, exports and copies are open in every state;
 * - evidence files (佐证材料) are read as the form is read (`attachments`, `attachment`) and added or deleted as
 *   it is edited (`attach`, `detach`: its drafters, in Draft);
 * - nobody reviews a revision they created, edited or submitted (→ 403 SELF_REVIEW_FORBIDDEN); a reviewer of the
 *   unit claims a submitted form's review (认领), a manager reassigns it (改派, here to unit A's reviewer);
 * - the drafter who submitted a form withdraws it (撤回) before any approval (another drafter: 403 NOT_SUBMITTER).
 *
 * Roles: `author` is a person with both drafter and reviewer roles; in their own unit they created and
 * submitted the form (in the other unit they are just another drafter-reviewer; a Published form arrives
 * imported by a manager, and no cell of a Published form depends on who wrote it). `lead` is a drafter who is
 * also a manager (a unit's 管理员 who fills forms too). `anonymous` sends no token.
 * Columns: the form's state (Draft, Submitted, Reviewed, Published) in the person's own unit, then in the other unit.
 * Outcomes: 2xx (200; a copy 201), 404 NOT_FOUND, 403 FORBIDDEN, SELF 403 SELF_REVIEW_FORBIDDEN,
 * 409 ILLEGAL_TRANSITION, 401 UNAUTHENTICATED, NOC 404 COMMENT_NOT_FOUND (resolving a comment is as returning the
 * form; these forms were never returned, so the one who may gets as far as the comment), `-` not applicable.
 */
const MATRIX = `
action     role       | own: D   S    R    P    | other: D S    R    P
read       drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
read       reviewer   | 2xx  2xx  2xx  2xx  | 404  404  404  404
read       author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
read       manager    | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
read       admin      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
read       lead       | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
read       anonymous  | 401  401  401  401  | -    -    -    -
history    drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
history    reviewer   | 2xx  2xx  2xx  2xx  | 404  404  404  404
history    author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
history    manager    | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
history    admin      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
history    lead       | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
history    anonymous  | 401  401  401  401  | -    -    -    -
form.xlsx  drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.xlsx  reviewer   | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.xlsx  author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.xlsx  manager    | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.xlsx  admin      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.xlsx  lead       | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.xlsx  anonymous  | 401  401  401  401  | -    -    -    -
form.docx  drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.docx  reviewer   | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.docx  author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.docx  manager    | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.docx  admin      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.docx  lead       | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.docx  anonymous  | 401  401  401  401  | -    -    -    -
form.pdf   drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.pdf   reviewer   | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.pdf   author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
form.pdf   manager    | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.pdf   admin      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.pdf   lead       | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
form.pdf   anonymous  | 401  401  401  401  | -    -    -    -
edit       drafter    | 2xx  409  409  409  | 404  404  404  404
edit       reviewer   | 403  403  403  403  | 404  404  404  404
edit       author     | 2xx  409  409  409  | 404  404  404  404
edit       manager    | 403  403  403  403  | 403  403  403  403
edit       admin      | 403  403  403  403  | 403  403  403  403
edit       lead       | 2xx  409  409  409  | 403  403  403  403
edit       anonymous  | 401  401  401  401  | -    -    -    -
discard    drafter    | 2xx  409  409  409  | 404  404  404  404
discard    reviewer   | 403  403  403  403  | 404  404  404  404
discard    author     | 2xx  409  409  409  | 404  404  404  404
discard    manager    | 403  403  403  403  | 403  403  403  403
discard    admin      | 403  403  403  403  | 403  403  403  403
discard    lead       | 2xx  409  409  409  | 403  403  403  403
discard    anonymous  | 401  401  401  401  | -    -    -    -
submit     drafter    | 2xx  409  409  409  | 404  404  404  404
submit     reviewer   | 403  403  403  403  | 404  404  404  404
submit     author     | 2xx  409  409  409  | 404  404  404  404
submit     manager    | 403  403  403  403  | 403  403  403  403
submit     admin      | 403  403  403  403  | 403  403  403  403
submit     lead       | 2xx  409  409  409  | 403  403  403  403
submit     anonymous  | 401  401  401  401  | -    -    -    -
approve    drafter    | 403  403  403  403  | 404  404  404  404
approve    reviewer   | 409  2xx  409  409  | 404  404  404  404
approve    author     | 409  SELF 409  409  | 404  404  404  404
approve    manager    | 403  403  403  403  | 403  403  403  403
approve    admin      | 403  403  403  403  | 403  403  403  403
approve    lead       | 403  403  403  403  | 403  403  403  403
approve    anonymous  | 401  401  401  401  | -    -    -    -
return     drafter    | 403  403  403  403  | 404  404  404  404
return     reviewer   | 409  2xx  409  409  | 404  404  404  404
return     author     | 409  SELF 409  409  | 404  404  404  404
return     manager    | 403  403  403  403  | 403  403  403  403
return     admin      | 403  403  403  403  | 403  403  403  403
return     lead       | 403  403  403  403  | 403  403  403  403
return     anonymous  | 401  401  401  401  | -    -    -    -
publish    drafter    | 403  403  403  403  | 404  404  404  404
publish    reviewer   | 403  403  403  403  | 404  404  404  404
publish    author     | 403  403  403  403  | 404  404  404  404
publish    manager    | 409  409  2xx  409  | 409  409  2xx  409
publish    admin      | 403  403  403  403  | 403  403  403  403
publish    lead       | 409  409  2xx  409  | 409  409  2xx  409
publish    anonymous  | 401  401  401  401  | -    -    -    -
reopen     drafter    | 409  409  409  2xx  | 404  404  404  404
reopen     reviewer   | 403  403  403  403  | 404  404  404  404
reopen     author     | 409  409  409  2xx  | 404  404  404  404
reopen     manager    | 409  409  409  2xx  | 409  409  409  2xx
reopen     admin      | 403  403  403  403  | 403  403  403  403
reopen     lead       | 409  409  409  2xx  | 409  409  409  2xx
reopen     anonymous  | 401  401  401  401  | -    -    -    -
withdraw   drafter    | 409  NSUB 409  409  | 404  404  404  404
withdraw   reviewer   | 403  403  403  403  | 404  404  404  404
withdraw   author     | 409  2xx  409  409  | 404  404  404  404
withdraw   manager    | 403  403  403  403  | 403  403  403  403
withdraw   admin      | 403  403  403  403  | 403  403  403  403
withdraw   lead       | 409  NSUB 409  409  | 403  403  403  403
withdraw   anonymous  | 401  401  401  401  | -    -    -    -
claim      drafter    | 403  403  403  403  | 404  404  404  404
claim      reviewer   | 409  2xx  409  409  | 404  404  404  404
claim      author     | 409  SELF 409  409  | 404  404  404  404
claim      manager    | 403  403  403  403  | 403  403  403  403
claim      admin      | 403  403  403  403  | 403  403  403  403
claim      lead       | 403  403  403  403  | 403  403  403  403
claim      anonymous  | 401  401  401  401  | -    -    -    -
reassign   drafter    | 403  403  403  403  | 404  404  404  404
reassign   reviewer   | 403  403  403  403  | 404  404  404  404
reassign   author     | 403  403  403  403  | 404  404  404  404
reassign   manager    | 409  2xx  409  409  | 409  2xx  409  409
reassign   admin      | 403  403  403  403  | 403  403  403  403
reassign   lead       | 409  2xx  409  409  | 409  2xx  409  409
reassign   anonymous  | 401  401  401  401  | -    -    -    -
reviewers  drafter    | 403  403  403  403  | 404  404  404  404
reviewers  reviewer   | 403  403  403  403  | 404  404  404  404
reviewers  author     | 403  403  403  403  | 404  404  404  404
reviewers  manager    | 409  2xx  409  409  | 409  2xx  409  409
reviewers  admin      | 403  403  403  403  | 403  403  403  403
reviewers  lead       | 409  2xx  409  409  | 409  2xx  409  409
reviewers  anonymous  | 401  401  401  401  | -    -    -    -
copy       drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
copy       reviewer   | 403  403  403  403  | 404  404  404  404
copy       author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
copy       manager    | 403  403  403  403  | 403  403  403  403
copy       admin      | 403  403  403  403  | 403  403  403  403
copy       lead       | 2xx  2xx  2xx  2xx  | 403  403  403  403
copy       anonymous  | 401  401  401  401  | -    -    -    -
changes    drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
changes    reviewer   | 2xx  2xx  2xx  2xx  | 404  404  404  404
changes    author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
changes    manager    | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
changes    admin      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
changes    lead       | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
changes    anonymous  | 401  401  401  401  | -    -    -    -
resolveComment drafter    | 403  403  403  403  | 404  404  404  404
resolveComment reviewer   | 409  NOC  409  409  | 404  404  404  404
resolveComment author     | 409  SELF 409  409  | 404  404  404  404
resolveComment manager    | 403  403  403  403  | 403  403  403  403
resolveComment admin      | 403  403  403  403  | 403  403  403  403
resolveComment lead       | 403  403  403  403  | 403  403  403  403
resolveComment anonymous  | 401  401  401  401  | -    -    -    -
attachments drafter   | 2xx  2xx  2xx  2xx  | 404  404  404  404
attachments reviewer  | 2xx  2xx  2xx  2xx  | 404  404  404  404
attachments author    | 2xx  2xx  2xx  2xx  | 404  404  404  404
attachments manager   | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
attachments admin     | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
attachments lead      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
attachments anonymous | 401  401  401  401  | -    -    -    -
attachment drafter    | 2xx  2xx  2xx  2xx  | 404  404  404  404
attachment reviewer   | 2xx  2xx  2xx  2xx  | 404  404  404  404
attachment author     | 2xx  2xx  2xx  2xx  | 404  404  404  404
attachment manager    | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
attachment admin      | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
attachment lead       | 2xx  2xx  2xx  2xx  | 2xx  2xx  2xx  2xx
attachment anonymous  | 401  401  401  401  | -    -    -    -
attach     drafter    | 2xx  409  409  409  | 404  404  404  404
attach     reviewer   | 403  403  403  403  | 404  404  404  404
attach     author     | 2xx  409  409  409  | 404  404  404  404
attach     manager    | 403  403  403  403  | 403  403  403  403
attach     admin      | 403  403  403  403  | 403  403  403  403
attach     lead       | 2xx  409  409  409  | 403  403  403  403
attach     anonymous  | 401  401  401  401  | -    -    -    -
detach     drafter    | 2xx  409  409  409  | 404  404  404  404
detach     reviewer   | 403  403  403  403  | 404  404  404  404
detach     author     | 2xx  409  409  409  | 404  404  404  404
detach     manager    | 403  403  403  403  | 403  403  403  403
detach     admin      | 403  403  403  403  | 403  403  403  403
detach     lead       | 2xx  409  409  409  | 403  403  403  403
detach     anonymous  | 401  401  401  401  | -    -    -    -
`;

const STATES = ['Draft', 'Submitted', 'Reviewed', 'Published'] as const;
type State = (typeof STATES)[number];
const ROLES = ['drafter', 'reviewer', 'author', 'manager', 'admin', 'lead', 'anonymous'] as const;
type MatrixRole = (typeof ROLES)[number];
type Side = 'own' | 'other';
type Outcome = '2xx' | '404' | '403' | 'SELF' | '409' | '401' | 'NOC' | 'NSUB';

/** What each outcome of the table is on the wire: the status and the stable code of the error model. */
const OUTCOMES: Record<Outcome, { status: number | 'ok'; code?: string }> = {
  '2xx': { status: 'ok' },
  '404': { status: 404, code: 'NOT_FOUND' },
  '403': { status: 403, code: 'FORBIDDEN' },
  SELF: { status: 403, code: 'SELF_REVIEW_FORBIDDEN' },
  '409': { status: 409, code: 'ILLEGAL_TRANSITION' },
  '401': { status: 401, code: 'UNAUTHENTICATED' },
  NOC: { status: 404, code: 'COMMENT_NOT_FOUND' },
  NSUB: { status: 403, code: 'NOT_SUBMITTER' },
};

/** Whom a manager reassigns a review to (改派): the reviewer of unit A, where every form of the table lives. */
let reassignTo = '';

interface Form {
  id: string;
  name: string;
  version: number;
  /** An evidence file the form holds (for the cells that read or delete one). */
  attachmentId?: string;
}

/** A small PDF, as evidence (佐证材料) is uploaded. */
const EVIDENCE = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n', 'latin1');

/** How each action of the table is sent: its operation in the OpenAPI document, its request, what it answers when it happens. */
const ACTIONS = {
  read: { operation: 'get /api/evaluations/{id}', send: (c: ApiClient, f: Form) => c.get(`/api/evaluations/${f.id}`), ok: 200 },
  history: { operation: 'get /api/evaluations/{id}/history', send: (c: ApiClient, f: Form) => c.get(`/api/evaluations/${f.id}/history`), ok: 200 },
  'form.xlsx': { operation: 'get /api/evaluations/{id}/form.xlsx', send: (c: ApiClient, f: Form) => c.getBinary(`/api/evaluations/${f.id}/form.xlsx`), ok: 200 },
  'form.docx': { operation: 'get /api/evaluations/{id}/form.docx', send: (c: ApiClient, f: Form) => c.getBinary(`/api/evaluations/${f.id}/form.docx`), ok: 200 },
  'form.pdf': { operation: 'get /api/evaluations/{id}/form.pdf', send: (c: ApiClient, f: Form) => c.getBinary(`/api/evaluations/${f.id}/form.pdf`), ok: 200 },
  edit: { operation: 'put /api/evaluations/{id}', send: (c: ApiClient, f: Form) => c.put(`/api/evaluations/${f.id}`, { ...newMediaForm({ projectName: f.name }), expectedVersion: f.version }), ok: 200, to: 'Draft' },
  submit: { operation: 'post /api/evaluations/{id}/submit', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/submit`, { expectedVersion: f.version }), ok: 200, to: 'Submitted' },
  approve: { operation: 'post /api/evaluations/{id}/approve', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/approve`, { expectedVersion: f.version, comment: '同意' }), ok: 200, to: 'Reviewed' },
  return: { operation: 'post /api/evaluations/{id}/return', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/return`, { expectedVersion: f.version, comments: [{ target: null, text: '请补充偏差原因' }] }), ok: 200, to: 'Draft' },
  publish: { operation: 'post /api/evaluations/{id}/publish', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/publish`, { expectedVersion: f.version }), ok: 200, to: 'Published' },
  reopen: { operation: 'post /api/evaluations/{id}/reopen', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/reopen`, { expectedVersion: f.version, reason: '更正预算数' }), ok: 200, to: 'Draft' },
  discard: { operation: 'post /api/evaluations/{id}/discard', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/discard`, { expectedVersion: f.version, reason: '重复创建' }), ok: 200 },
  withdraw: { operation: 'post /api/evaluations/{id}/withdraw', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/withdraw`, { expectedVersion: f.version }), ok: 200, to: 'Draft' },
  claim: { operation: 'post /api/evaluations/{id}/claim', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/claim`, { expectedVersion: f.version }), ok: 200, to: 'Submitted' },
  reassign: {
    operation: 'post /api/evaluations/{id}/reassign',
    send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/reassign`, { expectedVersion: f.version, userId: reassignTo }),
    ok: 200,
    to: 'Submitted',
  },
  reviewers: { operation: 'get /api/evaluations/{id}/reviewers', send: (c: ApiClient, f: Form) => c.get(`/api/evaluations/${f.id}/reviewers`), ok: 200 },
  copy: { operation: 'post /api/evaluations/{id}/copy', send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/copy`, { fiscalYear: 2022 }), ok: 201 },
  changes: { operation: 'get /api/evaluations/{id}/changes', send: (c: ApiClient, f: Form) => c.get(`/api/evaluations/${f.id}/changes?since=1`), ok: 200 },
  resolveComment: {
    operation: 'post /api/evaluations/{id}/comments/{commentId}/resolve',
    send: (c: ApiClient, f: Form) => c.post(`/api/evaluations/${f.id}/comments/${randomUUID()}/resolve`, { expectedVersion: f.version }),
    ok: 200,
  },
  attachments: { operation: 'get /api/evaluations/{id}/attachments', send: (c: ApiClient, f: Form) => c.get(`/api/evaluations/${f.id}/attachments`), ok: 200 },
  attachment: { operation: 'get /api/evaluations/{id}/attachments/{attachmentId}', send: (c: ApiClient, f: Form) => c.getBinary(`/api/evaluations/${f.id}/attachments/${f.attachmentId}`), ok: 200 },
  attach: { operation: 'post /api/evaluations/{id}/attachments', send: (c: ApiClient, f: Form) => c.upload(`/api/evaluations/${f.id}/attachments?target=indicators[0]`, EVIDENCE, '佐证材料.pdf'), ok: 201 },
  detach: { operation: 'delete /api/evaluations/{id}/attachments/{attachmentId}', send: (c: ApiClient, f: Form) => c.delete(`/api/evaluations/${f.id}/attachments/${f.attachmentId}`), ok: 204 },
} as const;
type Action = keyof typeof ACTIONS;
/** The actions that are commands on the form itself: GET /api/evaluations/:id lists those allowed as `allowedActions`. */
const COMMANDS = ['edit', 'submit', 'approve', 'return', 'withdraw', 'claim', 'reassign', 'publish', 'reopen', 'resolveComment', 'attach', 'detach', 'discard'] as const satisfies readonly Action[];
/** The actions that need an evidence file on the form before they are sent. */
const ON_A_FILE: ReadonlySet<Action> = new Set(['attachment', 'detach']);

interface Cell {
  action: Action;
  role: MatrixRole;
  side: Side;
  state: State;
  outcome: Outcome;
}

function parseMatrix(text: string): Cell[] {
  const cells: Cell[] = [];
  for (const line of text.trim().split('\n').slice(1)) {
    const [head, own, other] = line.split('|').map((part) => part.trim().split(/\s+/));
    const [action, role] = head as [Action, MatrixRole];
    if (!(action in ACTIONS) || !ROLES.includes(role) || own.length !== 4 || other.length !== 4) throw new Error(`bad matrix line: ${line}`);
    for (const [side, outcomes] of [['own', own], ['other', other]] as const) {
      outcomes.forEach((outcome, i) => {
        if (outcome === '-') return;
        if (!(outcome in OUTCOMES)) throw new Error(`unknown outcome ${outcome} in: ${line}`);
        cells.push({ action, role, side, state: STATES[i], outcome: outcome as Outcome });
      });
    }
  }
  return cells;
}

const CELLS = parseMatrix(MATRIX);
const PASSWORD = 'matrix-of-who-may-what';
const PREFIX_A = '甲方项目';
const PREFIX_B = '乙方项目';
/** The demo seed's import file: unit A's seven 2021 forms. */
const SAMPLE = readFileSync(path.resolve(import.meta.dirname ?? '.', '../../samples/beijing-gwc-2021-self-evaluations.txt'), 'utf8');

/** The sample's one form without errors (it can be submitted as it is), to import under other names. */
const SUBMITTABLE = '开展北京市家庭教育暨家校社共育服务';

/** An import file (the text dump of the Word tables) of SUBMITTABLE's 自评表 once per name. */
function importText(names: string[]): string {
  const lines = SAMPLE.split(/\r?\n/);
  const starts = lines.flatMap((line, i) => (line.trim() === '项目支出绩效自评表' ? [i] : []));
  const at = starts.find((i) => lines.slice(i, i + 6).some((line) => line.includes(SUBMITTABLE)))!;
  const block = lines.slice(at, starts.find((i) => i > at) ?? lines.length);
  const nameLine = block.findIndex((line) => line.includes(SUBMITTABLE));
  return names.map((name) => block.map((line, i) => (i === nameLine ? `\t${name}` : line)).join('\n')).join('\n');
}

/** Runs `work` over `items`, `width` at a time, answers the results in order. */
async function inPool<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

/** The body of an answer as JSON, also when it was read as bytes (a refused download answers in the error model). */
function jsonOf(res: request.Response): Record<string, unknown> {
  if (Buffer.isBuffer(res.body)) {
    if (!String(res.headers['content-type'] ?? '').includes('json')) return {};
    try {
      return JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return (res.body ?? {}) as Record<string, unknown>;
}

/** The text a person reads in an export: CSV as it is, Word and Excel as the XML of their parts, PDF as a reader extracts it. */
async function exportText(kind: string, bytes: Buffer): Promise<string> {
  if (kind === 'csv') return bytes.toString('utf8');
  if (kind === 'pdf') return (await pdfText(bytes)).text;
  const zip = await JSZip.loadAsync(bytes);
  const parts = await Promise.all(Object.values(zip.files).filter((f) => f.name.endsWith('.xml')).map((f) => f.async('string')));
  return parts.join('\n');
}

describe('Faults: the authorisation matrix (roles × own/other unit × every action × every state), and nothing of another unit in any listing', () => {
  const system = new FaultSystem();
  const people: Record<Side, Record<Exclude<MatrixRole, 'anonymous'>, ApiClient>> = { own: {} as never, other: {} as never };
  let anonymous: ApiClient;
  let unitA: string;
  let unitB: string;
  /** One fresh form of unit A per cell, in the cell's state. */
  const formOf = new Map<Cell, Form>();
  const streams: { who: string; stream: SseStream }[] = [];
  /** What the people of unit B see of their counts and years before unit A's forms come and go. */
  const before = new Map<string, unknown>();
  let startedAt = 0;

  const scopedB = () => (['drafter', 'reviewer', 'author'] as const).map((role) => ({ who: `${role} of B`, client: people.other[role] }));

  /** Moves a Draft written by the author of `side`'s unit to `state`, through the workflow by that unit's people. */
  async function moveOn(side: Side, form: Form, state: State): Promise<Form> {
    const p = people[side];
    const steps: [ApiClient, string][] = [
      [p.author, 'submit'],
      [p.reviewer, 'approve'],
      [p.manager, 'publish'],
    ];
    for (const [who, action] of steps.slice(0, STATES.indexOf(state))) {
      const res = await who.post(`/api/evaluations/${form.id}/${action}`, { expectedVersion: form.version });
      if (res.status !== 200) throw new Error(`${action} ${form.name}: ${res.status} ${JSON.stringify(res.body)}`);
      form.version = res.body.version;
    }
    return form;
  }

  /** A form of `side`'s unit drafted by its author, moved to `state`. */
  async function formIn(side: Side, state: State, name: string): Promise<Form> {
    const created = await people[side].author.post('/api/evaluations', newMediaForm({ projectName: name }));
    if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    return moveOn(side, { id: created.body.id, name, version: created.body.version }, state);
  }

  /**
   * Unit A's fresh forms for the cells of one state, in bulk: one import of the unit's file (as a unit brings
   * its existing forms in), as drafts by the author, moved on through the workflow; a Published form arrives
   * as the historical forms do, imported as published by a manager.
   */
  async function formsOfA(state: State, names: string[], withFile: ReadonlySet<string>): Promise<Form[]> {
    const forms = new Map<string, Form>();
    const plain = names.filter((name) => !withFile.has(name));
    if (plain.length > 0) for (const form of await importedForms(state, plain)) forms.set(form.name, form);
    const filed = names.filter((name) => withFile.has(name));
    if (filed.length > 0) {
      // Evidence is attached to a Draft: these come as drafts whatever their state, get a file from their author,
      // then move on (a Published one through the whole workflow).
      const drafts = await importedForms('Draft', filed);
      await inPool(drafts, 8, async (form) => {
        const up = await people.own.author.upload(`/api/evaluations/${form.id}/attachments`, EVIDENCE, '佐证材料.pdf');
        if (up.status !== 201) throw new Error(`attach to ${form.name}: ${up.status} ${JSON.stringify(up.body)}`);
        forms.set(form.name, await moveOn('own', { ...form, version: up.body.version, attachmentId: up.body.id }, state));
      });
    }
    return names.map((name) => forms.get(name)!);
  }

  async function importedForms(state: State, names: string[]): Promise<Form[]> {
    const published = state === 'Published';
    const importer = published ? people.own.manager : people.own.author;
    const res = await importer.postText(`/api/imports/self-evaluations?fiscalYear=2021&unitId=${unitA}&as=${published ? 'published' : 'draft'}`, importText(names));
    if (res.status !== 201) throw new Error(`import of ${names.length} ${state} forms: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    const imported = res.body.evaluations as { id: string; projectName: string; status: string }[];
    expect(imported.map((e) => [e.projectName, e.status])).toEqual(names.map((name) => [name, published ? 'Published' : 'Draft']));
    return inPool(imported, 8, (e) => (published ? Promise.resolve({ id: e.id, name: e.projectName, version: 1 }) : moveOn('own', { id: e.id, name: e.projectName, version: 1 }, state)));
  }

  async function viewsOfB(): Promise<Record<string, unknown>> {
    const views: Record<string, unknown> = {};
    for (const { who, client } of scopedB()) {
      views[`${who} /me/queues`] = (await client.get('/api/me/queues')).body;
      views[`${who} /fiscal-years`] = (await client.get('/api/fiscal-years')).body;
      views[`${who} list total`] = (await client.get('/api/evaluations?pageSize=1')).body.total;
    }
    return views;
  }

  beforeAll(async () => {
    startedAt = Date.now();
    await system.start({ LOGIN_RATE_LIMIT: '100000' });
    const startedInMs = Date.now() - startedAt;
    const admin = await system.login('admin');
    unitA = (await system.login('drafter')).session!.user.unitIds[0];
    const created = await admin.post('/api/units', { name: '乙市某区教育委员会', competentDepartment: '乙市教育委员会' });
    expect(created.status).toBe(201);
    unitB = created.body.id;
    const roles: Record<Exclude<MatrixRole, 'anonymous'>, string[]> = { drafter: ['drafter'], reviewer: ['reviewer'], author: ['drafter', 'reviewer'], manager: ['manager'], admin: ['admin'], lead: ['drafter', 'manager'] };
    await Promise.all(
      (['own', 'other'] as const).flatMap((side) =>
        Object.entries(roles).map(async ([role, list]) => {
          const username = `${role}-${side === 'own' ? 'a' : 'b'}`;
          const res = await admin.post('/api/users', { username, password: PASSWORD, displayName: username, roles: list, unitIds: [side === 'own' ? unitA : unitB] });
          expect([username, res.status]).toEqual([username, 201]);
          people[side][role as Exclude<MatrixRole, 'anonymous'>] = await system.login(username, PASSWORD);
        }),
      ),
    );
    anonymous = new ApiClient(system.baseUrl);
    reassignTo = people.own.reviewer.id;

    // The people of unit B listen before anything happens; what unit A does must never reach them.
    for (const { who, client } of scopedB()) {
      const ticket = await client.post('/api/me/stream-ticket');
      expect(ticket.status).toBe(201);
      const stream = await SseStream.open(system.baseUrl, ticket.body.ticket);
      expect(stream.response.status).toBe(200);
      streams.push({ who, stream });
    }

    // Unit B's own forms, two in each state: what its people do see (the listings are not empty by accident).
    for (const state of STATES) for (let i = 0; i < 2; i++) await formIn('other', state, `${PREFIX_B}${state[0]}${i + 1}`);
    await system.settled();
    for (const [key, value] of Object.entries(await viewsOfB())) before.set(key, value);

    // One fresh form of unit A for every cell, made in bulk per state by unit A's people.
    for (const state of STATES) {
      const cells = CELLS.filter((c) => c.state === state);
      const names = cells.map((cell, i) => `${PREFIX_A}${state[0]}${String(i + 1).padStart(3, '0')}`);
      const forms = await formsOfA(state, names, new Set(names.filter((_, i) => ON_A_FILE.has(cells[i].action))));
      cells.forEach((cell, i) => formOf.set(cell, forms[i]));
    }
    const formsInMs = Date.now() - startedAt - startedInMs;
    const settledInMs = await system.settled();
    await figure('authorisation: set-up', { startedInMs, formsOfA: formOf.size, formsInMs, settledInMs });
  }, 240_000);

  afterAll(async () => {
    for (const { stream } of streams) stream.close();
    await system.stop();
  });

  it('covers every operation of the OpenAPI document on a form', async () => {
    const doc = (await request(system.baseUrl).get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const onAForm = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/evaluations/{id}'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      .sort();
    expect(onAForm).toEqual(Object.values(ACTIONS).map((a) => a.operation).sort());
    // Every action × role × state appears: 6 roles with both units but anonymous.
    expect(CELLS).toHaveLength(Object.keys(ACTIONS).length * (ROLES.length * 2 - 1) * STATES.length);
  });

  it('answers every cell of the table as the rules say, and a refused command writes nothing', async () => {
    const ids = [...formOf.values()].map((f) => f.id);
    const rowsOf = async () =>
      new Map(
        (
          await system.query<{ id: string; version: number; status: string; revision: number; form_version: number; updated_at: Date; events: string }>(
            `SELECT e.id, e.version, e.status, e.revision, e.form_version, e.updated_at, (SELECT count(*) FROM evaluation_events ev WHERE ev.evaluation_id = e.id) AS events
             FROM evaluations e WHERE e.id = ANY($1::uuid[])`,
            [ids],
          )
        ).map((r) => [r.id, { version: r.version, status: r.status, revision: r.revision, formVersion: r.form_version, updatedAt: new Date(r.updated_at).toISOString(), events: Number(r.events) }]),
      );
    const [{ events: eventsBefore, evaluations: evaluationsBefore }] = await system.query<{ events: string; evaluations: string }>(
      'SELECT (SELECT count(*) FROM evaluation_events) AS events, (SELECT count(*) FROM evaluations) AS evaluations',
    );
    const rowsBefore = await rowsOf();

    const started = Date.now();
    const answers = await inPool(CELLS, 8, async (cell) => {
      const form = formOf.get(cell)!;
      const client = cell.role === 'anonymous' ? anonymous : people[cell.side][cell.role];
      const sent = Date.now();
      const res = await ACTIONS[cell.action].send(client, form);
      return { cell, form, status: res.status, body: jsonOf(res), ms: Date.now() - sent };
    });
    const tookMs = Date.now() - started;

    const wrong: string[] = [];
    const label = (c: Cell) => `${c.action} by ${c.role} (${c.side} unit) on ${c.state}`;
    for (const { cell, status, body } of answers) {
      const expected = OUTCOMES[cell.outcome];
      const ok = ACTIONS[cell.action].ok;
      const got = `${status} ${status < 300 ? '' : String(body.code)}`.trim();
      const want = `${expected.status === 'ok' ? ok : expected.status} ${expected.code ?? ''}`.trim();
      if (got !== want) wrong.push(`${label(cell)}: ${got}, expected ${want}`);
      // A refusal speaks the error model: a stable code and a message for people.
      if (status >= 400 && !(typeof body.message === 'string' && body.message.length > 0)) wrong.push(`${label(cell)}: ${status} without a message`);
      // What a person is offered on the form is what the table lets them do.
      if (cell.action === 'read' && status === 200) {
        const offered = [...(body.allowedActions as string[])].sort();
        const allowed = COMMANDS.filter((a) => CELLS.some((c) => c.action === a && c.role === cell.role && c.side === cell.side && c.state === cell.state && c.outcome === '2xx')).sort();
        if (JSON.stringify(offered) !== JSON.stringify(allowed)) wrong.push(`${label(cell)}: allowedActions ${JSON.stringify(offered)}, the table allows ${JSON.stringify(allowed)}`);
      }
      const to = (ACTIONS[cell.action] as { to?: string }).to;
      if (to && status === 200 && body.status !== to) wrong.push(`${label(cell)}: answered status ${String(body.status)}, expected ${to}`);
    }

    // Refused: the form's row and its history are as they were. Done: one event more, one version on; discarded: no row.
    const rowsAfter = await rowsOf();
    for (const { cell, form, status } of answers) {
      const was = rowsBefore.get(form.id)!;
      const now = rowsAfter.get(form.id)!;
      const command = (COMMANDS as readonly string[]).includes(cell.action);
      if (cell.action === 'discard' && status < 300) {
        if (now !== undefined) wrong.push(`${label(cell)} answered ${status}; the row is still there: ${JSON.stringify(now)}`);
        continue;
      }
      const expected = command && status < 300 ? { ...now, version: was.version + 1, events: was.events + 1 } : was;
      if (JSON.stringify(now) !== JSON.stringify(expected)) wrong.push(`${label(cell)} answered ${status}; row ${JSON.stringify(was)} → ${JSON.stringify(now)}`);
    }
    const done = answers.filter((a) => a.status < 300 && (COMMANDS as readonly string[]).includes(a.cell.action)).length;
    const copies = answers.filter((a) => a.cell.action === 'copy' && a.status === 201);
    const [{ events: eventsAfter, evaluations: evaluationsAfter }] = await system.query<{ events: string; evaluations: string }>(
      'SELECT (SELECT count(*) FROM evaluation_events) AS events, (SELECT count(*) FROM evaluations) AS evaluations',
    );
    // Nothing anywhere else either: the events written are exactly those of the commands done and the copies made.
    const discards = answers.filter((a) => a.cell.action === 'discard' && a.status < 300).length;
    expect([Number(eventsAfter) - Number(eventsBefore), Number(evaluationsAfter) - Number(evaluationsBefore)]).toEqual([done + copies.length, copies.length - discards]);
    const copied = await system.query<{ id: string; source: string; unit_id: string }>(
      `SELECT ev.evaluation_id AS id, ev.payload->'copiedFrom'->>'evaluationId' AS source, e.unit_id FROM evaluation_events ev JOIN evaluations e ON e.id = ev.evaluation_id
       WHERE ev.evaluation_id = ANY($1::uuid[]) AND ev.type = 'EvaluationDrafted'`,
      [copies.map((c) => c.body.id)],
    );
    expect(copied.map((c) => [c.id, c.source, c.unit_id]).sort()).toEqual(copies.map((c) => [c.body.id, c.form.id, unitA]).sort());

    const msByAction: Record<string, number> = {};
    for (const a of answers) msByAction[a.cell.action] = (msByAction[a.cell.action] ?? 0) + a.ms;
    const byOutcome: Record<string, number> = {};
    for (const cell of CELLS) byOutcome[cell.outcome] = (byOutcome[cell.outcome] ?? 0) + 1;
    await figure('authorisation matrix', { cells: CELLS.length, forms: formOf.size, tookMs, msByAction, byOutcome, commandsDone: done, copies: copies.length, wrong: wrong.length });
    console.log(`authorisation matrix: ${CELLS.length} cells checked (${Object.keys(ACTIONS).length} actions × ${ROLES.length} roles × own/other unit × ${STATES.length} states)`);
    expect(wrong).toEqual([]);
  }, 180_000);

  it("never shows unit A's forms to unit B's people: lists, filters, queues, search, summary and its exports, years, board, inbox, live events", async () => {
    const ofA = await system.query<{ id: string; project_name: string }>('SELECT id, project_name FROM evaluations WHERE unit_id = $1', [unitA]);
    const ofB = await system.query<{ id: string; project_name: string }>('SELECT id, project_name FROM evaluations WHERE unit_id = $1', [unitB]);
    expect(ofA.length).toBeGreaterThan(CELLS.length);
    const leaks: string[] = [];
    const [{ name: unitAName }] = await system.query<{ name: string }>('SELECT name FROM units WHERE id = $1', [unitA]);
    /** Any trace of unit A in what `who` was shown: an id, a project name, the unit's id or name, the prefix of its forms. */
    const traces = (text: string) => [unitA, unitAName, PREFIX_A, ...ofA.flatMap((f) => [f.id, f.project_name])].filter((t) => text.includes(t));
    const check = (who: string, what: string, text: string) => {
      const found = traces(text);
      if (found.length) leaks.push(`${who} ${what}: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ` … (${found.length})` : ''}`);
    };
    const LISTS = [
      '/api/evaluations?pageSize=200',
      ...STATES.map((s) => `/api/evaluations?pageSize=200&status=${s}`),
      `/api/evaluations?pageSize=200&unitId=${unitA}`,
      ...STATES.map((s) => `/api/evaluations?pageSize=200&unitId=${unitA}&status=${s}`),
      '/api/evaluations?pageSize=200&fiscalYear=2021',
      '/api/evaluations?pageSize=200&fiscalYear=2022',
      ...['review', 'publish', 'overdue', 'drafts'].map((q) => `/api/evaluations?pageSize=200&queue=${q}`),
      `/api/evaluations?pageSize=200&q=${encodeURIComponent(PREFIX_A)}`,
      `/api/evaluations?pageSize=200&q=${encodeURIComponent('项目')}`,
      `/api/evaluations?pageSize=200&q=${encodeURIComponent(ofA.find((f) => !f.project_name.startsWith(PREFIX_A))!.project_name)}`,
      '/api/evaluations?pageSize=200&page=2',
    ];
    const SUMMARIES = ['', '?fiscalYear=2021', '?fiscalYear=2022', `?unitId=${unitA}`, `?unitId=${unitA}&fiscalYear=2021`];
    let requests = 0;
    for (const { who, client } of scopedB()) {
      for (const path of LISTS) {
        const res = await client.get(path);
        requests++;
        if (res.status !== 200) leaks.push(`${who} ${path}: ${res.status}`);
        check(who, path, JSON.stringify(res.body));
        for (const item of res.body.items ?? []) if (item.unitId !== unitB) leaks.push(`${who} ${path}: an item of unit ${item.unitId}`);
        if (path.includes(`unitId=${unitA}`) || path.includes(encodeURIComponent(PREFIX_A))) expect([who, path, res.body.total]).toEqual([who, path, 0]);
      }
      // Positive: the list shows unit B's own forms (drafters and reviewers of B see all of them).
      const all = await client.get('/api/evaluations?pageSize=200');
      expect([who, all.body.total]).toEqual([who, ofB.length]);
      for (const query of SUMMARIES) {
        const summary = await client.get(`/api/summary${query}`);
        requests++;
        expect([who, query, summary.status]).toEqual([who, query, 200]);
        check(who, `/api/summary${query}`, JSON.stringify(summary.body));
        // The exports render what the JSON holds: every format for the whole table and for unit A's filter.
        for (const kind of query === '' || query === `?unitId=${unitA}` ? ['csv', 'xlsx', 'docx', 'pdf'] : []) {
          const file = await client.getBinary(`/api/summary.${kind}${query}`);
          requests++;
          expect([who, kind, query, file.status]).toEqual([who, kind, query, 200]);
          const text = await exportText(kind, file.body as Buffer);
          check(who, `/api/summary.${kind}${query}`, text);
          // Positive: the unfiltered 明细表 lists unit B's forms, so reading it found text at all.
          if (query === '' && !text.includes(`${PREFIX_B}D1`)) leaks.push(`${who} /api/summary.${kind}: unit B's own forms not found in the export (the check would be blind)`);
        }
      }
      for (const path of ['/api/fiscal-years', '/api/me/queues', '/api/me/notifications?limit=500', '/api/cycles', '/api/auth/me']) {
        const res = await client.get(path);
        requests++;
        expect([who, path, res.status]).toEqual([who, path, 200]);
        check(who, path, JSON.stringify(res.body));
      }
      // The board and the publication pack are the managers' (and admins'): they span every unit.
      for (const path of ['/api/board', '/api/board?fiscalYear=2021', '/api/publication?fiscalYear=2021']) {
        const res = await client.getBinary(path);
        requests++;
        expect([who, path, res.status, jsonOf(res).code]).toEqual([who, path, 403, 'FORBIDDEN']);
      }
      // A new form in unit A, unit A's own import file again (the demo seed imported it there), marking
      // someone of unit A's notice read: refused, nothing of unit A in the answer, nothing written.
      const [{ n: evaluationsBefore }] = await system.query<{ n: string }>('SELECT count(*) AS n FROM evaluations');
      const create = await client.post('/api/evaluations', { ...newMediaForm({ projectName: `${PREFIX_B}越权` }), unitId: unitA });
      expect([who, create.status, create.body.code]).toEqual([who, 403, 'FORBIDDEN']);
      const imported = await client.postText('/api/imports/self-evaluations?fiscalYear=2021&as=draft', SAMPLE);
      expect([who, imported.status, imported.body.code]).toEqual([who, 403, 'FORBIDDEN']);
      check(who, 'import of unit A\'s file', JSON.stringify(imported.body));
      const [notice] = await system.query<{ id: string }>('SELECT id FROM notifications WHERE recipient_id = $1 AND read_at IS NULL LIMIT 1', [people.own.reviewer.id]);
      const read = await client.post(`/api/me/notifications/${notice.id}/read`);
      expect([who, read.status, read.body.code]).toEqual([who, 404, 'NOT_FOUND']);
      requests += 3;
      const [{ n: evaluationsAfter }] = await system.query<{ n: string }>('SELECT count(*) AS n FROM evaluations');
      const [{ n: unread }] = await system.query<{ n: string }>('SELECT count(*) AS n FROM notifications WHERE id = $1 AND read_at IS NULL', [notice.id]);
      expect([who, evaluationsAfter, unread]).toEqual([who, evaluationsBefore, '1']);
    }
    // Unit A's forms came and went (528 made, a hundred moved on, copies to 2022): unit B's counts and years did not move.
    expect(await viewsOfB()).toEqual(Object.fromEntries(before));
    // Positive: B's reviewers were asked to review B's forms (the inbox check is not blind).
    const inbox = (await people.other.reviewer.get('/api/me/notifications?limit=500')).body as { evaluationId: string }[];
    expect(inbox.some((n) => ofB.some((f) => f.id === n.evaluationId))).toBe(true);

    // Live events: every stream of unit B heard unit B's changes and nothing of unit A.
    for (const { who, stream } of streams) {
      const evaluations = stream.data<{ id: string; unitId: string }>('evaluation');
      const notifications = stream.data<{ evaluationId: string | null; title: string }>('notification');
      check(who, 'live stream', JSON.stringify([...evaluations, ...notifications]));
      if (!evaluations.some((e) => e.unitId === unitB)) leaks.push(`${who} live stream: no event of unit B at all (the check would be blind)`);
    }

    // Managers and admins of B see every unit (README: "Managers and admins see every unit"): A's forms, the board.
    for (const role of ['manager', 'admin'] as const) {
      expect((await people.other[role].get(`/api/evaluations?pageSize=1&unitId=${unitA}`)).body.total).toBe(ofA.length);
      expect((await people.other[role].get('/api/board')).status).toBe(200);
    }

    // Without a token: 401 everywhere, never a list.
    const anonymousPaths = [...LISTS, ...SUMMARIES.flatMap((q) => ['summary', 'summary.csv', 'summary.xlsx', 'summary.docx', 'summary.pdf'].map((s) => `/api/${s}${q}`)), '/api/fiscal-years', '/api/me/queues', '/api/me/notifications', '/api/board', '/api/publication?fiscalYear=2021', '/api/cycles', '/api/units', '/api/users'];
    for (const path of anonymousPaths) {
      const res = await anonymous.getBinary(path);
      requests++;
      const body = jsonOf(res);
      if (res.status !== 401 || body.code !== 'UNAUTHENTICATED') leaks.push(`anonymous ${path}: ${res.status} ${String(body.code)}`);
      check('anonymous', path, Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body));
    }
    await figure('authorisation: listings of another unit', { people: scopedB().length, requests, formsOfA: ofA.length, formsOfB: ofB.length, leaks: leaks.length });
    expect(leaks).toEqual([]);
  }, 120_000);

  it("keeps a person who moved to unit B from hearing of unit A's forms: inbox and live events", async () => {
    const admin = await system.login('admin');
    const created = await admin.post('/api/users', { username: 'mover', password: PASSWORD, displayName: '调岗的填报人', roles: ['drafter'], unitIds: [unitA] });
    expect(created.status).toBe(201);
    const mover = await system.login('mover', PASSWORD);
    const forms: Form[] = [];
    for (const name of [`${PREFIX_A}调岗前`, `${PREFIX_A}调岗后`]) {
      const form = await mover.post('/api/evaluations', newMediaForm({ projectName: name }));
      const submitted = await mover.post(`/api/evaluations/${form.body.id}/submit`, { expectedVersion: 1 });
      expect(submitted.status).toBe(200);
      forms.push({ id: form.body.id, name, version: submitted.body.version });
    }
    // While in unit A, the mover hears that their form was approved: as it should be.
    expect((await people.own.reviewer.post(`/api/evaluations/${forms[0].id}/approve`, { expectedVersion: forms[0].version })).status).toBe(200);
    await system.settled();
    const inA = (await mover.get('/api/me/notifications')).body as { evaluationId: string }[];
    expect(inA.map((n) => n.evaluationId)).toContain(forms[0].id);

    // Moved to unit B; unit A's reviewer then returns the other form the mover wrote.
    expect((await admin.patch(`/api/users/${mover.id}`, { unitIds: [unitB] })).status).toBe(200);
    const ticket = await mover.post('/api/me/stream-ticket');
    const stream = await SseStream.open(system.baseUrl, ticket.body.ticket);
    try {
      expect((await people.own.reviewer.post(`/api/evaluations/${forms[1].id}/return`, { expectedVersion: forms[1].version, comments: [{ target: null, text: '请补充' }] })).status).toBe(200);
      await system.settled();
      expect((await mover.get(`/api/evaluations/${forms[1].id}`)).status).toBe(404);
      const inbox = (await mover.get('/api/me/notifications?limit=500')).body as { evaluationId: string; title: string; body: string }[];
      const shown = JSON.stringify(inbox);
      const found = forms.flatMap((f) => [f.id, f.name]).filter((t) => shown.includes(t));
      await figure('authorisation: a person moved to another unit', { notifications: inbox.length, tracesOfUnitA: found.length });
      expect(found).toEqual([]);
      // Nor is the notice made for them at all (no e-mail, no webhook, no live event).
      const told = await system.query<{ n: string }>('SELECT count(*) AS n FROM notifications WHERE recipient_id = $1 AND evaluation_id = $2', [mover.id, forms[1].id]);
      expect(told[0].n).toBe('0');
      expect(JSON.stringify(stream.data('notification'))).not.toContain(forms[1].id);
    } finally {
      stream.close();
    }
  });

  it('keeps every invariant: replayed read models, versions, transitions, outbox, scores', async () => {
    const report = await system.invariants();
    await figure('authorisation: invariants', { evaluations: report.evaluations, events: report.events, violations: report.violations.length, fileSeconds: Math.round((Date.now() - startedAt) / 1000) });
    expect(report.violations).toEqual([]);
  });
});
