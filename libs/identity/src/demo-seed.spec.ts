import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '#perf-eval/config';
import { demoAccountsHint } from './demo-seed.js';

describe('the demo accounts hint of the sign-in page', () => {
  it('names the demo accounts and the default password while the demo is seeded', () => {
    const hint = demoAccountsHint(loadConfig({}));
    expect(hint.accounts.map((a) => a.username)).toEqual(['drafter', 'reviewer', 'dept-reviewer', 'manager', 'admin']);
    expect(hint.password).toBe('demo1234');
  });

  it('keeps a chosen demo password unsaid', () => {
    expect(demoAccountsHint(loadConfig({ DEMO_PASSWORD: 'pilot-only-9' }))).toMatchObject({ password: null, accounts: expect.arrayContaining([expect.objectContaining({ username: 'drafter' })]) });
  });

  it('says nothing where the demo is not seeded', () => {
    expect(demoAccountsHint(loadConfig({ SEED_DEMO: 'false' }))).toEqual({ accounts: [], password: null });
  });
});
