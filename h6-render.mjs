import fs from 'node:fs';
import { parseSelfEvaluationText } from './dist/libs/evaluation/src/import/self-evaluation-text.parser.js';
import { scoreEvaluation } from './dist/libs/evaluation/src/scoring/score-evaluation.js';
import { formPdf, formDocx } from './dist/libs/reporting/src/form-document.js';
import { summaryPdf } from './dist/libs/reporting/src/summary-document.js';
const parsed = parseSelfEvaluationText(fs.readFileSync('samples/beijing-gwc-2021-self-evaluations.txt', 'utf8'));
for (const i of [0, 3]) {
  const form = { ...parsed.forms[i].form, unitId: 'u' };
  const { scores } = scoreEvaluation(form);
  const pdf = await formPdf({ form, scores, unitName: '北京市关心下一代工作委员会办公室', filledAt: '2022-01-15T02:00:00Z', publication: i === 3 });
  fs.writeFileSync(`/tmp/h6-form${i}.pdf`, pdf);
  fs.writeFileSync(`/tmp/h6-form${i}.docx`, await formDocx({ form, scores, unitName: 'X' }));
}
const table = { fiscalYear: 2021, unitName: '北京市关心下一代工作委员会办公室', rows: parsed.summary.rows, total: { budget: '334.61' } };
fs.writeFileSync('/tmp/h6-summary.pdf', await summaryPdf(table));
