import { IdentityError } from './identity.errors.js';

/**
 * The one password policy of the system, for every password that is set: POST/PATCH /api/users and the CLI's
 * create-user/update-user (both through Directory). Only the demo seed is exempt (`demo1234`, so that
 * `npm start` keeps signing in with it); changing a demo account's password later goes through the policy.
 *
 * Length over composition, as NIST SP 800-63B advises: at least 10 characters (counted as characters, so a
 * Chinese passphrase counts its 字, not its bytes), any characters, spaces included, so that a passphrase such as
 * `春眠不觉晓处处闻啼鸟` or `correct horse battery` passes; no rule demands digits or symbols. Refused:
 * a password equal to the username, or the username (or reversed) with little else (fewer than 6 other
 * characters, or only digits and symbols besides it: `zhangsan2021`, `zhangsan@123456`), one found on a short list of the
 * most common passwords (also with digits or symbols added before or after, such as `password2021!`), a run
 * along the keyboard or the alphabet (`1234567890`, `qwertyuiop`, `abcdefghij`), and one made of fewer than
 * four different characters (`aaaaaaaaaa`, ten spaces, `ababababab`, `1231231231`).
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;
const MIN_DISTINCT_CHARACTERS = 4;
/** A username this short is only refused as the whole password (two letters appear in too many good passwords). */
const MIN_USERNAME_TO_CONTAIN = 3;
/** A password holding the username needs this many other characters, not all of them digits or symbols. */
const MIN_OTHER_CHARACTERS = 6;

export type PasswordProblem = 'TOO_SHORT' | 'TOO_LONG' | 'CONTAINS_USERNAME' | 'COMMON' | 'SEQUENCE' | 'REPETITIVE';

/** Why, in words for the person who chose it. */
export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, string> = {
  TOO_SHORT: `至少 ${MIN_PASSWORD_LENGTH} 个字符（可用一句好记的话作密码）`,
  TOO_LONG: `不能超过 ${MAX_PASSWORD_LENGTH} 个字符`,
  CONTAINS_USERNAME: '不能是用户名，也不能是用户名加上几个字符或数字',
  COMMON: '是最常见的密码之一（或在其前后加了数字、符号），容易被猜中',
  SEQUENCE: '是键盘或字母表上连续的一串字符',
  REPETITIVE: `字符种类太少（不同字符至少 ${MIN_DISTINCT_CHARACTERS} 个）`,
};

/**
 * The most common passwords of published leak lists (international and Chinese), lower case, as bases:
 * a password is refused when it is one of these, with or without digits and symbols around it.
 */
const COMMON_BASES = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pass', 'passwd', 'admin', 'administrator', 'root', 'user', 'guest', 'test',
  'demo', 'login', 'welcome', 'letmein', 'changeme', 'default', 'secret', 'iloveyou', 'monkey', 'dragon', 'master', 'shadow',
  'sunshine', 'princess', 'football', 'baseball', 'superman', 'batman', 'trustno', 'whatever', 'starwars', 'hello', 'freedom',
  'qwerty', 'qwertyuiop', 'asdf', 'asdfgh', 'asdfghjkl', 'zxcvbn', 'zxcvbnm', 'qazwsx', 'qwe', 'asd', 'zxc', 'abc', 'abcd',
  'abcde', 'abcdef', 'a', 'aa', 'aaa', 'q', 'qq', 'woaini', 'wodemima', 'mima', 'zhang', 'wang', 'li', 'liu', 'chen', 'china',
  'beijing', 'shanghai', 'huawei', 'baidu', 'tencent', 'taobao', 'love', 'iloveu', 'ilove', 'pass@word', 'system', 'oracle',
  'postgres', 'redis', 'server', 'computer', 'internet', 'google', 'apple', 'samsung', 'xiaomi', 'wechat', 'weixin',
]);

/** Whole passwords, lower case, that are common as they stand (mostly digits, where the bases above find nothing). */
const COMMON_WHOLE = new Set([
  '123456', '1234567', '12345678', '123456789', '1234567890', '12345678910', '1234554321', '123123123', '123123123123',
  '111111', '11111111', '000000', '00000000', '888888', '88888888', '666666', '66666666', '520520', '5201314', '5201314520',
  '1314520', '1314521', '147258369', '159357', '987654321', '9876543210', '0987654321', '123321', '112233', '11223344',
  '1q2w3e', '1q2w3e4r', '1q2w3e4r5t', '1qaz2wsx', '1qaz2wsx3edc', '1qazxsw2', 'zaq12wsx', '!qaz2wsx', 'qwer1234', 'q1w2e3r4',
  'a1b2c3d4', 'a1b2c3d4e5', 'aa123456', 'a123456', 'a12345678', 'a123456789', 'qq123456', 'abc123456', 'abc12345678',
  'woaini1314', 'woaini520', 'iloveyou1314', '7758521', '7758258', '147852369', '123654789', '741852963', '159753',
]);

/** Runs along the keyboard, the alphabet and the digits; a password inside one of them (either way) is refused. */
const SEQUENCES = [
  '01234567890123456789',
  'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz',
  'qwertyuiopasdfghjklzxcvbnmqwertyuiop',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
  '`1234567890-=qwertyuiop[]asdfghjkl;zxcvbnm,./',
  '!@#$%^&*()_+',
];

/**
 * The username (or the username reversed) with little else: fewer than MIN_OTHER_CHARACTERS other characters, or
 * only digits, symbols and spaces besides it (`zhangsan2021`, `2021@zhangsan`, `zhangsan123456`). A username inside
 * a passphrase that stands by itself without it (`leaver-pass-1`, `zhangsan 的春天在五月`) is no weaker for it.
 */
function mostlyUsername(lower: string, name: string): boolean {
  for (const form of [name, [...name].reverse().join('')]) {
    if (!lower.includes(form)) continue;
    const rest = lower.split(form).join('');
    if ([...rest].length < MIN_OTHER_CHARACTERS || /^[\p{N}\p{P}\p{S}\s]*$/u.test(rest)) return true;
  }
  return false;
}

/** What is wrong with `password` for `username` (empty: none). */
export function passwordProblems(password: string, username: string | null = null): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const characters = [...password];
  if (characters.length < MIN_PASSWORD_LENGTH) problems.push('TOO_SHORT');
  if (characters.length > MAX_PASSWORD_LENGTH) problems.push('TOO_LONG');
  const lower = password.toLowerCase();
  const name = (username ?? '').trim().toLowerCase();
  if (name && (lower === name || (name.length >= MIN_USERNAME_TO_CONTAIN && mostlyUsername(lower, name)))) problems.push('CONTAINS_USERNAME');
  // Digits, symbols and spaces stripped from both ends: `Password2021!` is `password` with a year and a bang.
  const base = lower.replace(/^[\p{N}\p{P}\p{S}\s]+|[\p{N}\p{P}\p{S}\s]+$/gu, '');
  if (COMMON_WHOLE.has(lower) || COMMON_WHOLE.has(lower.trim()) || (base && COMMON_BASES.has(base))) problems.push('COMMON');
  if (characters.length >= 3 && SEQUENCES.some((run) => run.includes(lower) || [...run].reverse().join('').includes(lower))) problems.push('SEQUENCE');
  if (new Set(characters).size < MIN_DISTINCT_CHARACTERS) problems.push('REPETITIVE');
  return problems;
}

/** A refused password: 400 WEAK_PASSWORD with the reasons, as codes and (under `fields`, as for VALIDATION_FAILED) in words. */
export class WeakPasswordError extends IdentityError {
  readonly code = 'WEAK_PASSWORD';
  override readonly details: { reasons: PasswordProblem[]; minLength: number; fields: { field: 'password'; messages: string[] }[] };

  constructor(readonly problems: PasswordProblem[]) {
    const messages = problems.map((p) => PASSWORD_PROBLEM_TEXT[p]);
    super(`密码不符合要求：${messages.join('；')}`);
    this.details = { reasons: problems, minLength: MIN_PASSWORD_LENGTH, fields: [{ field: 'password', messages }] };
  }
}

/** Throws WeakPasswordError unless `password` passes the policy. */
export function assertPasswordAllowed(password: string, username: string | null): void {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) throw new WeakPasswordError(problems);
}
