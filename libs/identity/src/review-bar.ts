/**
 * Who may not review a form, as SQL over an evaluation aliased `e` (the aggregate's rules, read where rows are
 * searched: the review queue, and the check that a step keeps a reviewer). `userId` is an SQL expression of text
 * type naming the person (`?::text` for a parameter, `v.id::text` for a column).
 */

/** The self-review rule (isSelfReview): the person wrote none of the form (creator, last editor, any author of the revision). */
export function notAuthorOf(userId: string): string {
  return `NOT (${userId} = ANY (ARRAY[e.created_by::text, e.last_edited_by::text] || ARRAY(SELECT jsonb_array_elements_text(COALESCE(e.state->'revisionAuthors', '[]'::jsonb)))))`;
}

/** Nobody reviews two steps of one submission: the person approved none of its earlier steps. */
export function notEarlierApproverOf(userId: string): string {
  return `NOT (COALESCE(e.state->'review'->'approvals', '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('by', ${userId})))`;
}
