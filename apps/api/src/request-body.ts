import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { DOCX_CONTENT_TYPE, UnsupportedFileError, XLSX_CONTENT_TYPE } from '#perf-eval/evaluation';
import { UnsupportedMediaTypeError } from './api.errors.js';

/** The form is 4 levels deep; 32 leaves room for any body the API takes and none for a nesting bomb. */
export const MAX_JSON_DEPTH = 32;

/** The import takes the files units hold (the text dump, Word, Excel, or any of them uploaded); every other body is JSON. */
const IMPORT_PATH = '/api/imports/self-evaluations';
const IMPORT_TYPES = ['text/plain', DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE, 'multipart/form-data'];
/** Evidence files are uploaded as multipart/form-data only (apps/api/src/evaluations/attachments.controller.ts). */
const ATTACHMENTS_PATH = /^\/api\/evaluations\/[^/]+\/attachments\/?$/;

/**
 * body-parser's `verify` hook runs on the raw bytes before JSON.parse: a linear scan that counts bracket
 * depth outside strings refuses a deeply nested body before parsing costs time and before class-transformer
 * recurses into it (100k levels overflowed its stack).
 */
export function refuseDeepJson(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  const depth = encoding && !/^utf-?8$/i.test(encoding) ? deepestOfText(body.toString(encoding as BufferEncoding)) : deepestOfUtf8(body);
  if (depth > MAX_JSON_DEPTH) throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH}`), { status: 400, type: 'entity.too.deep' });
}

/** Stops at the first level beyond the limit: the answer is the same, and the scan stays short. */
function deepestOfUtf8(bytes: Buffer): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: the next byte is escaped
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x5b || b === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return depth;
    } else if (b === 0x5d || b === 0x7d) depth--;
  }
  return depth;
}

function deepestOfText(text: string): number {
  return deepestOfUtf8(Buffer.from(text, 'utf8'));
}

/**
 * A body in a media type the endpoint does not read is refused with 415 before it is read, instead of
 * arriving as a string or not at all (and failing later with a misleading validation error): JSON everywhere
 * (UNSUPPORTED_MEDIA_TYPE), text, Word, Excel or multipart at the import (IMPORT_UNSUPPORTED_TYPE, as the
 * import names every other refusal of what was uploaded), multipart for an evidence file (UNSUPPORTED_MEDIA_TYPE).
 */
export function requireKnownMediaType(req: Request, _res: Response, next: NextFunction): void {
  if (!req.path.startsWith('/api/') || !['POST', 'PUT', 'PATCH'].includes(req.method) || !hasBody(req)) return next();
  const isImport = req.path === IMPORT_PATH;
  const isAttachment = req.method === 'POST' && ATTACHMENTS_PATH.test(req.path);
  const contentType = req.headers['content-type'] ?? null;
  if (req.is(isImport ? IMPORT_TYPES : isAttachment ? 'multipart/form-data' : 'application/json')) {
    // JSON is read as UTF-8 only: body-parser read UTF-16 (BOM rules aside) and answered UTF-32 or UTF-7 with 403.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
    if (isImport || isAttachment || charset === undefined || /^utf-?8$/i.test(charset)) return next();
    next(new UnsupportedMediaTypeError(`请求体须为 UTF-8 编码的 JSON（收到 charset=${charset}）`, { contentType, expected: 'application/json; charset=utf-8' }));
    return;
  }
  if (isAttachment) {
    next(new UnsupportedMediaTypeError('佐证材料须以 multipart/form-data 上传（表单字段 file）', { contentType, expected: 'multipart/form-data' }));
    return;
  }
  next(
    isImport
      ? new UnsupportedFileError(`不支持的 Content-Type：${contentType || '（无）'}；请上传 text/plain、.docx、.xlsx 或 multipart/form-data`, { contentType, expected: IMPORT_TYPES })
      : new UnsupportedMediaTypeError('请求体须为 JSON（Content-Type: application/json）', { contentType, expected: 'application/json' }),
  );
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}
