import { createHash } from 'node:crypto';
import type { AttachmentContentType } from '../domain/evaluation-attachment.js';
import { DOCX_CONTENT_TYPE, sniffDocument, XLSX_CONTENT_TYPE } from './document-files.js';

const PDF = Buffer.from('%PDF-', 'latin1');
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * What an uploaded evidence file is, from its bytes alone (a renamed .exe stays an .exe): PDF, JPEG and PNG by
 * their signatures, Word and Excel as the import tells them (a zip holding word/document.xml or xl/workbook.xml).
 * null for anything else.
 */
export async function attachmentContentType(bytes: Buffer): Promise<AttachmentContentType | null> {
  if (startsWith(bytes, PDF)) return 'application/pdf';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, PNG)) return 'image/png';
  switch (await sniffDocument(bytes)) {
    case 'docx':
      return DOCX_CONTENT_TYPE;
    case 'xlsx':
      return XLSX_CONTENT_TYPE;
    default:
      return null;
  }
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function startsWith(bytes: Buffer, signature: Buffer): boolean {
  return bytes.length >= signature.length && bytes.subarray(0, signature.length).equals(signature);
}
