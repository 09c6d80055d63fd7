/** The statuses of a form, on their own so that the errors (which name them) and the aggregate (which throws the errors) do not import each other. */
export const EVALUATION_STATUSES = ['Draft', 'Submitted', 'Reviewed', 'Published'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];
