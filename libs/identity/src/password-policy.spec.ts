import { describe, expect, it } from '@jest/globals';
import { assertPasswordAllowed, passwordProblems, WeakPasswordError } from './password-policy.js';

describe('the password policy', () => {
  it('refuses what the abuse probe got accepted: 12345678, aaaaaaaa, password, eight spaces, the username, 1', () => {
    expect(passwordProblems('12345678', 'zhang')).toEqual(expect.arrayContaining(['TOO_SHORT', 'COMMON', 'SEQUENCE']));
    expect(passwordProblems('aaaaaaaa', 'zhang')).toEqual(expect.arrayContaining(['TOO_SHORT', 'REPETITIVE']));
    expect(passwordProblems('password', 'zhang')).toEqual(expect.arrayContaining(['TOO_SHORT', 'COMMON']));
    expect(passwordProblems('        ', 'zhang')).toEqual(expect.arrayContaining(['TOO_SHORT', 'REPETITIVE']));
    expect(passwordProblems('zhangsan-2021', 'zhangsan-2021')).toContain('CONTAINS_USERNAME');
    expect(passwordProblems('1', 'zhang')).toContain('TOO_SHORT');
    expect(passwordProblems('123456', null)).toEqual(expect.arrayContaining(['TOO_SHORT', 'COMMON']));
    expect(passwordProblems('qwerty', null)).toEqual(expect.arrayContaining(['TOO_SHORT', 'COMMON', 'SEQUENCE']));
  });

  it('refuses long ones that are still guessed first: repeats, runs, common words with digits around them, the username inside', () => {
    expect(passwordProblems('aaaaaaaaaaaa', null)).toEqual(['REPETITIVE']);
    expect(passwordProblems(' '.repeat(12), null)).toEqual(['REPETITIVE']);
    expect(passwordProblems('abababababab', null)).toEqual(['REPETITIVE']);
    expect(passwordProblems('1234567890', null)).toEqual(expect.arrayContaining(['COMMON', 'SEQUENCE']));
    expect(passwordProblems('0987654321', null)).toEqual(expect.arrayContaining(['SEQUENCE']));
    expect(passwordProblems('qwertyuiop', null)).toEqual(expect.arrayContaining(['SEQUENCE']));
    expect(passwordProblems('ABCDEFGHIJK', null)).toEqual(['SEQUENCE']);
    expect(passwordProblems('Password2021!', null)).toEqual(['COMMON']);
    expect(passwordProblems('admin@123456', null)).toEqual(['COMMON']);
    expect(passwordProblems('woaini1314', null)).toEqual(['COMMON']);
    expect(passwordProblems('1qaz2wsx3edc', null)).toEqual(expect.arrayContaining(['COMMON']));
    expect(passwordProblems('Zhangwei2021', 'zhangwei')).toEqual(['CONTAINS_USERNAME']);
    expect(passwordProblems('zhangwei@123456', 'zhangwei')).toEqual(['CONTAINS_USERNAME']);
    expect(passwordProblems('2021!ZHANGWEI', 'zhangwei')).toEqual(['CONTAINS_USERNAME']);
    expect(passwordProblems('iewgnahz-1990', 'zhangwei')).toEqual(['CONTAINS_USERNAME']);
    expect(passwordProblems('zhangwei-x1', 'zhangwei')).toEqual(['CONTAINS_USERNAME']);
    expect(passwordProblems('x'.repeat(150) + 'abcdefghijklmnopqrstuvwxyz'.repeat(3), null)).toEqual(['TOO_LONG']);
  });

  it('accepts passphrases and long passwords, Chinese counted by characters, not bytes', () => {
    for (const good of ['correct horse battery', '春眠不觉晓处处闻啼鸟', 'Tz7!mQ2#rLx9', 'remind-pass-1', 'li-ming-reads-at-night']) {
      expect([good, passwordProblems(good, 'liming')]).toEqual([good, []]);
    }
    // A username inside a passphrase that stands without it is no weakness.
    expect(passwordProblems('leaver-pass-1', 'leaver')).toEqual([]);
    expect(passwordProblems('zhangwei 的春天在五月', 'zhangwei')).toEqual([]);
    // A two-letter username only counts as the whole password: `li` appears in too many good ones.
    expect(passwordProblems('quality-first-9', 'li')).toEqual([]);
    expect(passwordProblems('li', 'li')).toEqual(expect.arrayContaining(['CONTAINS_USERNAME']));
    // Nine Chinese characters are 27 bytes of UTF-8 but still too short.
    expect(passwordProblems('春眠不觉晓处处闻啼', null)).toEqual(['TOO_SHORT']);
  });

  it('throws WEAK_PASSWORD with every reason as a code and in Chinese', () => {
    let error: unknown;
    try {
      assertPasswordAllowed('password', 'admin');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeakPasswordError);
    const weak = error as WeakPasswordError;
    expect(weak.code).toBe('WEAK_PASSWORD');
    expect(weak.details.reasons).toEqual(['TOO_SHORT', 'COMMON']);
    expect(weak.details.minLength).toBe(10);
    expect(weak.message).toMatch(/^密码不符合要求：至少 10 个字符/);
    expect(weak.details.fields).toEqual([{ field: 'password', messages: [expect.stringMatching(/至少 10 个字符/), expect.stringMatching(/常见/)] }]);
    expect(() => assertPasswordAllowed('a sentence worth remembering', 'admin')).not.toThrow();
  });
});
