/**
 * A reviewer's comment may aim at one field or one indicator row of the form it reviews:
 * "projectName", "funds", "funds.total", "funds.total.executed", "goals.actual", "indicators[3]", "indicators[3].score".
 * The grammar and the labels live in form-path.ts; this module keeps the historical import path.
 */
export { isCommentTarget } from './form-path.js';
