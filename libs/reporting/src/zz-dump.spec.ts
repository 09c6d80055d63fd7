import { it } from '@jest/globals';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { parseSelfEvaluationText } from '../../evaluation/src/import/self-evaluation-text.parser.js';
import { scoreEvaluation } from '../../evaluation/src/scoring/score-evaluation.js';
it('dump', () => {
  const p = parseSelfEvaluationText(fs.readFileSync(new URL('../../../samples/beijing-gwc-2021-self-evaluations.txt', import.meta.url), 'utf8'));
  console.log(typeof ExcelJS.Workbook);
  console.log(JSON.stringify(p.summary, null, 1));
  const f = p.forms[2]!;
  console.log(JSON.stringify(f, null, 1));
  console.log(JSON.stringify(scoreEvaluation({ ...f.form, unitId: 'u' }), null, 1));
});
