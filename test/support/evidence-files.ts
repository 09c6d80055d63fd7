import { createHash, randomBytes } from 'node:crypto';
import JSZip from 'jszip';

/** Files as units attach them as evidence (佐证材料), made here: each starts as its kind does, then noise. */
export const evidence = {
  /** A PDF of `size` bytes (header, random body, trailer). */
  pdf(size = 40_000): Buffer {
    const head = Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n', 'latin1');
    const tail = Buffer.from('\n%%EOF\n', 'latin1');
    return Buffer.concat([head, randomBytes(Math.max(0, size - head.length - tail.length)), tail]);
  },
  jpeg(size = 20_000): Buffer {
    return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(size - 6), Buffer.from([0xff, 0xd9])]);
  },
  png(size = 20_000): Buffer {
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size - 8)]);
  },
  /** A zip holding word/document.xml: what the import too takes for a Word file. */
  docx(): Promise<Buffer> {
    return officeZip('word/document.xml', '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>会议纪要</w:t></w:r></w:p></w:body></w:document>');
  },
  xlsx(): Promise<Buffer> {
    return officeZip('xl/workbook.xml', '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="台账" sheetId="1"/></sheets></workbook>');
  },
  /** A zip that is neither Word nor Excel. */
  zip(): Promise<Buffer> {
    return officeZip('readme.txt', '不是文档');
  },
  /** A Windows program: what a renamed .exe brings. */
  exe(size = 4096): Buffer {
    return Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), randomBytes(size - 8)]);
  },
};

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function officeZip(part: string, xml: string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
  zip.file(part, xml);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
