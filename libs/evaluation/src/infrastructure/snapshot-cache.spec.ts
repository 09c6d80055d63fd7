import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { AppConfig } from '#perf-eval/config';
import { SnapshotCache } from './snapshot-cache.js';

const cache = (entries: number) => new SnapshotCache({ snapshotCacheEntries: entries } as AppConfig);
const json = (version: number) => JSON.stringify({ id: 'a', version, form: { projectName: `v${version}` } });

describe('SnapshotCache', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('gives a state only at the version it was written at, each time as a new object', () => {
    const c = cache(10);
    c.remember('a', 3, json(3));
    expect(c.take('a', 2)).toBeNull();
    expect(c.take('a', 4)).toBeNull();
    const first = c.take('a', 3)!;
    expect(first).toMatchObject({ version: 3, form: { projectName: 'v3' } });
    (first.form as { projectName: string }).projectName = 'changed by a command that then failed';
    expect(c.take('a', 3)!.form.projectName).toBe('v3');
    c.remember('a', 4, json(4));
    expect(c.take('a', 3)).toBeNull();
    expect(c.take('a', 4)!.version).toBe(4);
  });

  it('forgets on request, keeps at most its capacity (the oldest written goes first), and nothing at 0', () => {
    const c = cache(2);
    c.remember('a', 1, json(1));
    c.remember('b', 1, json(1));
    c.remember('a', 2, json(2)); // a is now the newest
    c.remember('c', 1, json(1));
    expect([c.take('a', 2) !== null, c.take('b', 1) !== null, c.take('c', 1) !== null]).toEqual([true, false, true]);
    c.forget('a');
    expect(c.take('a', 2)).toBeNull();
    const off = cache(0);
    off.remember('a', 1, json(1));
    expect(off.take('a', 1)).toBeNull();
    expect(off.size).toBe(0);
  });

  it('lets an entry go after 30 seconds', () => {
    jest.useFakeTimers({ now: new Date('2026-11-30T00:00:00Z') });
    const c = cache(10);
    c.remember('a', 1, json(1));
    jest.setSystemTime(new Date('2026-11-30T00:00:29Z'));
    expect(c.take('a', 1)).not.toBeNull();
    jest.setSystemTime(new Date('2026-11-30T00:00:31Z'));
    expect(c.take('a', 1)).toBeNull();
  });
});
