import { EvaluationError } from './evaluation.errors.js';

/**
 * A 佐证材料 (evidence file) attached to a form, as its events and state record it. The bytes live in the
 * attachment storage under `sha256` (content-addressed: the same bytes attached twice are stored once).
 */
export interface AttachmentMeta {
  id: string;
  /** The name as the uploader's system gave it (UTF-8, path parts dropped). */
  fileName: string;
  size: number;
  /** Hex digest of the bytes: the key of the stored content. */
  sha256: string;
  /** What the bytes are (sniffed from them, never taken from the name or the request). */
  contentType: AttachmentContentType;
  /** null for the whole form; otherwise a path the form has, as a comment target ("indicators[2]"). */
  target: string | null;
  uploadedBy: string;
  uploadedAt: string;
}

/** The kinds of evidence a form takes, by their media types. */
export const ATTACHMENT_CONTENT_TYPES = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word（.docx）',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel（.xlsx）',
} as const;
export type AttachmentContentType = keyof typeof ATTACHMENT_CONTENT_TYPES;

/** How much a form may hold (ATTACHMENT_FILE_LIMIT and ATTACHMENT_FORM_LIMIT): passed in, the domain reads no configuration. */
export interface AttachmentLimits {
  maxFileBytes: number;
  maxFormBytes: number;
}

export class AttachmentTooLargeError extends EvaluationError {
  readonly code = 'ATTACHMENT_TOO_LARGE';
  override readonly details: { maxBytes: number; size: number | null };
  constructor(maxBytes: number, size: number | null = null) {
    super(`文件超过 ${megabytes(maxBytes)} MB，不能上传`);
    this.details = { maxBytes, size };
  }
}

export class AttachmentQuotaExceededError extends EvaluationError {
  readonly code = 'ATTACHMENT_QUOTA_EXCEEDED';
  override readonly details: { maxBytes: number; usedBytes: number; size: number };
  constructor(maxBytes: number, usedBytes: number, size: number) {
    super(`每张自评表的佐证材料合计不超过 ${megabytes(maxBytes)} MB（已有 ${megabytes(usedBytes)} MB），请删除不需要的文件后再上传`);
    this.details = { maxBytes, usedBytes, size };
  }
}

export class AttachmentTypeUnsupportedError extends EvaluationError {
  readonly code = 'ATTACHMENT_TYPE_UNSUPPORTED';
  override readonly details = { accepted: Object.values(ATTACHMENT_CONTENT_TYPES) };
  constructor() {
    super(`佐证材料只接受 ${Object.values(ATTACHMENT_CONTENT_TYPES).join('、')} 文件（按文件内容判断，与文件名无关）`);
  }
}

export class InvalidAttachmentTargetError extends EvaluationError {
  readonly code = 'INVALID_ATTACHMENT_TARGET';
  override readonly details: { target: string };
  constructor(target: string) {
    super(`佐证材料所属的字段或指标行不存在：${target}`);
    this.details = { target };
  }
}

export class AttachmentNotFoundError extends EvaluationError {
  readonly code = 'NOT_FOUND';
  constructor(id: string) {
    super(`佐证材料不存在：${id}`);
  }
}

/** The bytes the form's current attachments add up to (each counted, also when two hold the same bytes). */
export function attachedBytes(attachments: readonly AttachmentMeta[] | undefined): number {
  return (attachments ?? []).reduce((sum, a) => sum + a.size, 0);
}

function megabytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}

/** The longest file name kept, in characters (file systems take 255 bytes; a Chinese character is 3 of them in UTF-8). */
export const MAX_FILE_NAME_LENGTH = 80;

const EXTENSIONS: Readonly<Record<AttachmentContentType, string>> = {
  'application/pdf': '.pdf',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
};

/**
 * The name an attachment keeps: the last part of what was sent (a browser on Windows may send `C:\…\名称.pdf`),
 * trimmed, at most MAX_FILE_NAME_LENGTH characters with its extension kept; `佐证材料.pdf` (by what the bytes
 * are) when nothing is left.
 */
export function attachmentFileName(sent: string, contentType: AttachmentContentType): string {
  const base = sent.split(/[\\/]/).pop()!.trim().replace(/^\.+/, '');
  if (base === '') return `佐证材料${EXTENSIONS[contentType]}`;
  const chars = [...base];
  if (chars.length <= MAX_FILE_NAME_LENGTH) return base;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 && base.length - dot <= 10 ? [...base.slice(dot)] : [];
  return [...chars.slice(0, MAX_FILE_NAME_LENGTH - extension.length - 1), '…', ...extension].join('');
}
