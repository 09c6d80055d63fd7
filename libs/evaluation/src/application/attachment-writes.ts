import { VersionConflictError } from '../domain/evaluation.errors.js';
import { isDeadlock } from './deadlock.js';

/** How often an attachment command starts over after another command moved the form under it. */
const ATTEMPTS = 5;

/**
 * Adding or removing evidence changes nothing a person typed, so the client sends no version: the command loads
 * the form, checks and saves it (guarded by the version it loaded), and when another command moved the form in
 * between (or PostgreSQL aborted it to break a deadlock) it starts again from the new state, checks included. What it answers is the version it wrote, which the
 * web editor takes as its own only when nothing else happened since its last save.
 */
export async function onFreshState<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      // A deadlock PostgreSQL broke by aborting this write: nothing was written either.
      if (!(error instanceof VersionConflictError || isDeadlock(error)) || n >= ATTEMPTS) throw error;
    }
  }
}
