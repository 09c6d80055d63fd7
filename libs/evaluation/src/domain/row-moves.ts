import { Decimal } from 'decimal.js';
import type { EvaluationForm } from './evaluation-form.js';
import type { AttachmentMeta } from './evaluation-attachment.js';
import { parseFormPath } from './form-path.js';
import type { Verification } from './review.js';

/**
 * What points at an indicator row — a reviewer's comment ("indicators[3].score"), an evidence file
 * ("indicators[3]"), a 核查分 (row 3) — follows the row when an edit inserts, deletes or reorders rows.
 * `moves[i]` is where row i of the form before the edit went (null: removed), as formChanges matches rows
 * (rowMoves). Comments of earlier revisions stay as written. A comment or evidence file whose row was removed points at the 绩效指标 section instead (it is
 * still shown, and the reviewer sees the row removed); a 核查分 of a removed row is dropped.
 */
export type RowMoves = readonly (number | null)[];

/** The path after the rows moved: the same field of the same row, wherever the row went. */
export function movedTarget(target: string | null, moves: RowMoves): string | null {
  if (target === null) return null;
  const path = parseFormPath(target);
  if (path?.kind !== 'indicators' || path.index === null) return target;
  const index = moves[path.index];
  if (index === undefined) return target; // a row the form before did not have: left as it was
  if (index === null) return 'indicators';
  return `indicators[${index}]${path.field === null ? '' : `.${path.field}`}`;
}

/**
 * Whether anything points at an indicator row (else an edit need not match rows at all): a comment of the
 * revision being drafted, an evidence file, a 核查分.
 */
export function pointsAtRows(pointers: {
  revision: number;
  comments: readonly { target: string | null; revision: number }[];
  attachments?: readonly AttachmentMeta[];
  verification?: Verification | null;
}): boolean {
  const atRow = (target: string | null) => target !== null && /^indicators\[/.test(target);
  return (
    pointers.comments.some((c) => c.revision === pointers.revision && atRow(c.target)) ||
    (pointers.attachments ?? []).some((a) => atRow(a.target)) ||
    (pointers.verification?.rows.length ?? 0) > 0
  );
}

export function movedAttachments(attachments: AttachmentMeta[] | undefined, moves: RowMoves): AttachmentMeta[] | undefined {
  return attachments?.map((a) => {
    const target = movedTarget(a.target, moves);
    return target === a.target ? a : { ...a, target };
  });
}

/**
 * The 核查分 on the rows where they are now; a removed row's is dropped. Complete again only when every row of
 * the edited form has one (then 核查得分 is their exact sum): a row added since was not verified.
 */
export function movedVerification(verification: Verification | null | undefined, moves: RowMoves, form: EvaluationForm): Verification | null | undefined {
  if (!verification) return verification;
  const rows = verification.rows
    .map((r) => ({ ...r, row: moves[r.row] === undefined ? r.row : moves[r.row] }))
    .filter((r): r is typeof r & { row: number } => r.row !== null)
    .sort((a, b) => a.row - b.row);
  const complete = form.indicators.length > 0 && rows.length === form.indicators.length;
  const indicatorTotal = complete ? rows.reduce((sum, r) => sum.plus(r.score), new Decimal(0)).toNumber() : null;
  return { ...verification, rows, complete, indicatorTotal };
}
