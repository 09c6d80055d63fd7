import { describe, expect, it } from '@jest/globals';
import { xmlAttribute, xmlTags } from './xml-tags.js';
import { xmlDepth, MAX_XML_DEPTH } from './word-document.reader.js';
import { checkSheetExtent, MAX_SHEET_ROWS } from '../infrastructure/document-files.js';

const names = (xml: string) => [...xmlTags(xml)].map((t) => `${t.kind}:${t.name}`);

describe('xmlTags', () => {
  it('reads tags in order, steps over comments, CDATA and declarations, and a > inside a quoted value', () => {
    expect(names('<?xml version="1.0"?><w:p a="x>y" b=\'1\'><!-- <w:q> --><w:t><![CDATA[<no>]]></w:t><w:br/></w:p>')).toEqual([
      'open:p',
      'open:t',
      'close:t',
      'self:br',
      'close:p',
    ]);
    expect(xmlAttribute('c r="AZ12" s="3"', 'r')).toBe('AZ12');
    expect(xmlAttribute("mergeCell ref='$A$1:$B$2'", 'ref')).toBe('$A$1:$B$2');
    expect(xmlAttribute('c s="3"', 'r')).toBeNull();
  });

  it('stops at a construct never closed, in one pass (20,000 unclosed comments took minutes with a regular expression)', () => {
    const text = '<!--a'.repeat(20_000) + 'x'.repeat(2_000_000);
    expect(names(text)).toEqual([]);
    expect(xmlDepth(text)).toBe(0);
    expect(() => checkSheetExtent('<c '.repeat(10_000) + 'x'.repeat(2_000_000))).not.toThrow();
  });
});

describe('xmlDepth', () => {
  it('counts nested elements, not self-closed ones', () => {
    expect(xmlDepth('<a><b><c/><c/></b><b/></a>')).toBe(2);
    expect(xmlDepth(`<w:p>${'<w:hyperlink>'.repeat(MAX_XML_DEPTH + 1)}${'</w:hyperlink>'.repeat(MAX_XML_DEPTH + 1)}</w:p>`)).toBe(MAX_XML_DEPTH + 2);
  });
});

describe('checkSheetExtent', () => {
  const sheet = (inner: string) => `<worksheet><sheetData>${inner}</sheetData></worksheet>`;

  it('refuses cells with content or merged ranges beyond the bounds, written with or without $', () => {
    expect(() => checkSheetExtent(sheet(`<row r="200000"><c r="AZ200000" t="inlineStr"><is><t>x</t></is></c></row>`))).toThrow(/工作表范围过大/);
    expect(() => checkSheetExtent(`${sheet('')}<mergeCells><mergeCell ref="$A$1:$AZ$200000"/></mergeCells>`)).toThrow(/工作表范围过大/);
    expect(() => checkSheetExtent(`${sheet('')}<x:mergeCells><x:mergeCell ref="AA1:AZ200000"/></x:mergeCells>`)).toThrow(/工作表范围过大/);
    expect(() => checkSheetExtent(sheet(`<row r="${MAX_SHEET_ROWS + 1}"><c r="A${MAX_SHEET_ROWS + 1}"><v>1</v></c></row>`))).toThrow(/工作表范围过大/);
  });

  it('takes rows and cells that only carry formatting, wherever they are (Excel writes them for a formatted column)', () => {
    expect(() => checkSheetExtent(sheet(`<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="1"/></row><row r="1048576" s="2" customFormat="1"/>`))).not.toThrow();
    expect(() => checkSheetExtent(sheet(`<row r="40"><c r="L40" s="3"><v>5</v></c></row>`))).not.toThrow();
  });
});
