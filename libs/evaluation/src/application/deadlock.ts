/** PostgreSQL's deadlock_detected: it broke a cycle of lock waits by aborting this statement or transaction. */
const DEADLOCK = '40P01';
const DEADLOCK_ATTEMPTS = 3;

export function isDeadlock(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === DEADLOCK;
}

/**
 * A command's write that PostgreSQL chose to abort to break a deadlock (two writers of one form locking its event
 * key and its row in opposite orders: an edit's single statement and a submission's transaction) wrote nothing:
 * it is decided again on the row as it is now, which gives the answer it deserves (VERSION_CONFLICT when the other
 * writer won, success when it did not). Seen once in 1,000 conflicting commands as a 500 (conflicts.fault-spec).
 */
export async function againAfterDeadlock<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDeadlock(error) || tries >= DEADLOCK_ATTEMPTS) throw error;
    }
  }
}
