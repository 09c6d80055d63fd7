import { describe, it, expect } from '@jest/globals';
import { summaryCsv } from './summary-csv.js';
import type { SummaryTable } from './summary-table.js';
import { seedSummaryTable } from './seed-summary.fixture.js';


/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"' && field === '') {
      i++;
      while (true) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else if (i >= text.length) {
          throw new Error('unterminated quote');
        } else {
          field += text[i++];
        }
      }
    } else if (char === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (char === '\n' || char === '\r') {
      throw new Error(`bare line break at ${i}`);
    } else {
      field += char;
      i++;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
}

describe('summaryCsv', () => {
  const table = seedSummaryTable();
  const csv = summaryCsv(table);
  const records = parseCsv(csv.replace(/^\uFEFF/, ''));

  it('starts with a UTF-8 byte order mark so Excel reads the Chinese text', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('ends every record, the last included, with CRLF and has no bare line feed', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has the workbook columns as its header', () => {
    expect(records[0]).toEqual(['序号', '项目名称', '项目预算（万元）', '评价方式', '自评得分', '核查得分', '系统计算得分', '等级', '状态', '错误数', '警告数']);
  });

  it('parses back to the seed projects and figures with two decimals', () => {
    const rows = records.slice(1, 8);
    expect(rows.map((row) => row[0])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(rows.map((row) => row[1])).toEqual(table.rows.map((row) => row.projectName));
    expect(rows.map((row) => row[2])).toEqual(['90.00', '30.00', '84.61', '35.00', '30.00', '30.00', '35.00']);
    expect(rows.map((row) => row[3])).toEqual(Array(7).fill('单位自评'));
    expect(rows.map((row) => row[4])).toEqual(['92.00', '96.00', '82.30', '82.84', '96.00', '80.65', '97.00']);
    expect(rows.map((row) => Number(row[4]))).toEqual([92, 96, 82.3, 82.84, 96, 80.65, 97]);
  });

  it('adds computed score, grade, Chinese status and finding counts per row', () => {
    const rows = records.slice(1, 8);
    expect(rows.map((row) => row[5])).toEqual(table.rows.map(() => ''));
    expect(rows.map((row) => row[6])).toEqual(table.rows.map((row) => row.computedScore!.toFixed(2)));
    expect(rows[2]![6]).toBe('82.25');
    expect(rows.map((row) => row[7])).toEqual(table.rows.map((row) => row.grade));
    expect(rows.map((row) => row[8])).toEqual(['草稿', '已提交', '已审核', '已公开', '已公开', '已审核', '草稿']);
    expect(rows.map((row) => Number(row[9]))).toEqual(table.rows.map((row) => row.findings.errors));
    expect(rows.map((row) => Number(row[10]))).toEqual(table.rows.map((row) => row.findings.warnings));
  });

  it('marks a published form under correction as 已公开（更正中）', () => {
    const correcting: SummaryTable = { ...table, rows: [{ ...table.rows[3]!, correcting: true, currentRevision: 2, currentStatus: 'Draft' }] };
    expect(parseCsv(summaryCsv(correcting).replace(/^\uFEFF/, ''))[1]![8]).toBe('已公开（更正中）');
  });

  it('ends with the 合计 row carrying the budget sum', () => {
    expect(records).toHaveLength(9);
    expect(records[8]).toEqual(['合计', '', '334.61', '', '', '', '', '', '', '', '']);
    const sum = records.slice(1, 8).reduce((cents, row) => cents + Math.round(Number(row[2]) * 100), 0);
    expect(sum / 100).toBe(334.61);
  });

  it('quotes commas, quotes and line breaks in text and leaves blank figures empty', () => {
    const tricky: SummaryTable = {
      ...table,
      rows: [{ ...table.rows[0]!, projectName: '项目 "甲",\n第二行', budget: null, selfScore: null, verifiedScore: null, computedScore: null, grade: null }],
      total: { budget: '0' },
    };
    const text = summaryCsv(tricky);
    expect(text).toContain('"项目 ""甲"",\n第二行"');
    const [, row, total] = parseCsv(text.replace(/^\uFEFF/, ''));
    expect(row!.slice(1, 7)).toEqual(['项目 "甲",\n第二行', '', '单位自评', '', '', '']);
    expect(total![2]).toBe('0.00');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const text = summaryCsv({ ...table, rows: [{ ...table.rows[0]!, projectName: '=HYPERLINK("x")' }] });
    const [, row] = parseCsv(text.replace(/^\uFEFF/, ''));
    expect(row![1]).toBe(`'=HYPERLINK("x")`);
  });
});
