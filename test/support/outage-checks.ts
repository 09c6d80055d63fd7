import { expect } from '@jest/globals';
import request from 'supertest';

export interface DependencyState {
  status: 'up' | 'down' | 'unknown';
  since?: string | null;
  reason?: string;
  lastBeatAt?: string | null;
}

export type Dependencies = Record<'database' | 'redis' | 'worker', DependencyState>;

/** GET /api/health as the tests read it: status, body, the dependencies (whichever shape) and Retry-After. */
export async function health(baseUrl: string): Promise<{ status: number; body: Record<string, unknown>; dependencies: Dependencies; retryAfter: string | undefined }> {
  const res = await request(baseUrl).get('/api/health').timeout(5_000);
  const dependencies = (res.body.dependencies ?? res.body.details?.dependencies) as Dependencies;
  return { status: res.status, body: res.body, dependencies, retryAfter: res.headers['retry-after'] };
}

/** Answers within `ms` or fails the test: an outage must never make a request hang. */
export async function within<T>(ms: number, what: string, call: () => PromiseLike<T>): Promise<T> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([call(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
    expect(Date.now() - started).toBeLessThan(ms);
  }
}

/** 503 DEPENDENCY_UNAVAILABLE naming `dependency`, in Chinese, with Retry-After. */
export function expectUnavailable(res: request.Response, dependency: 'database' | 'redis'): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
  expect(res.body.message).toMatch(/[\u4e00-\u9fff]/);
  expect(res.body.details).toMatchObject({ dependency });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}
