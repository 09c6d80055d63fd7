import { isIP } from 'node:net';

/** Why a set value is refused (bilingual, as the CLI's messages): the loader adds the variable's name. */
export class InvalidValue extends Error {}

/** A default computed from the values declared before it (e.g. 5 × LOGIN_RATE_LIMIT). */
type Derived<T> = (earlier: Readonly<Record<string, unknown>>) => T;

/** One environment variable: how a value is read and checked, its default, and what the README says of it. */
export interface ConfigVariable<T> {
  readonly name: string;
  readonly zh: string;
  readonly en: string;
  /** What a value looks like, as the README states it: "integer 1–1000", "`true` or `false`". */
  readonly format: string;
  /** The default as the README states it. */
  readonly defaultText: string;
  /** Its value is never repeated in a message (secrets, URLs that may carry a password). */
  readonly secret: boolean;
  /** The value of a set (non-blank) variable; throws InvalidValue. */
  parse(text: string): T;
  /** The value when unset or blank. */
  fallback(earlier: Readonly<Record<string, unknown>>): T;
}

interface Described {
  name: string;
  zh: string;
  en: string;
}

interface Defaulted<T> extends Described {
  default: T | { derive: Derived<T>; text: string };
}

function variable<T>(spec: Defaulted<T>, format: string, parse: (text: string) => T, options: { secret?: boolean } = {}): ConfigVariable<T> {
  const declared = spec.default;
  const derived = typeof declared === 'object' && declared !== null && 'derive' in declared ? declared : null;
  return {
    name: spec.name,
    zh: spec.zh,
    en: spec.en,
    format,
    defaultText: derived ? derived.text : code(declared),
    secret: options.secret ?? false,
    parse,
    fallback: (earlier) => (derived ? derived.derive(earlier) : (declared as T)),
  };
}

function code(value: unknown): string {
  return `\`${String(value)}\``;
}

function range(min: number, max: number): string {
  return `${min}–${max}`;
}

/** A whole number in [min, max]: `20`, never `20.5`, `1e3`, `0x14` or `abc`. */
export function integer(spec: Defaulted<number> & { min: number; max: number }): ConfigVariable<number> {
  return variable(spec, `integer ${range(spec.min, spec.max)}`, (text) => wholeNumber(text, spec.min, spec.max));
}

/** A whole number in [min, max], or nothing (null) when unset: the reader decides what unset means. */
export function optionalInteger(spec: Described & { min: number; max: number; unset: string }): ConfigVariable<number | null> {
  return variable<number | null>({ ...spec, default: { derive: () => null, text: spec.unset } }, `integer ${range(spec.min, spec.max)}`, (text) => wholeNumber(text, spec.min, spec.max));
}

function wholeNumber(text: string, min: number, max: number): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) throw new InvalidValue(`不是整数 not a whole number (expected an integer ${range(min, max)})`);
  const value = Number(trimmed);
  if (value < min || value > max) throw new InvalidValue(`超出范围 out of range (expected an integer ${range(min, max)})`);
  return value;
}

/** `true` or `false`, nothing else (`FALSE`, `0` or `no` are refused rather than guessed at). */
export function flag(spec: Defaulted<boolean>): ConfigVariable<boolean> {
  return variable(spec, '`true` or `false`', (text) => {
    const trimmed = text.trim();
    if (trimmed !== 'true' && trimmed !== 'false') throw new InvalidValue('须为 true 或 false (expected true or false)');
    return trimmed === 'true';
  });
}

/** Free text, taken as written; `pattern` restricts it. */
export function text(spec: Defaulted<string> & { format?: string; pattern?: RegExp; secret?: boolean }): ConfigVariable<string> {
  return variable(spec, spec.format ?? 'text', (value) => checkedText(value, spec.pattern, spec.format), { secret: spec.secret });
}

/** Free text or nothing (null) when unset. */
export function optionalText(spec: Described & { unset: string; secret?: boolean }): ConfigVariable<string | null> {
  return variable<string | null>({ ...spec, default: { derive: () => null, text: spec.unset } }, 'text', (value) => value, { secret: spec.secret });
}

function checkedText(value: string, pattern: RegExp | undefined, format: string | undefined): string {
  if (pattern && !pattern.test(value)) throw new InvalidValue(`格式不符 malformed (expected ${format ?? pattern.source})`);
  return value;
}

/** One of a fixed list. */
export function oneOf<const V extends string>(spec: Defaulted<V> & { values: readonly V[] }): ConfigVariable<V> {
  return variable(spec, spec.values.map((v) => `\`${v}\``).join(', '), (value) => {
    const trimmed = value.trim();
    if (!(spec.values as readonly string[]).includes(trimmed)) throw new InvalidValue(`不是可选值 not one of ${spec.values.join(', ')}`);
    return trimmed as V;
  });
}

/** An absolute URL of one of `protocols` (trimmed). Secret by default: URLs may carry a password. */
export function url(spec: Defaulted<string> & { protocols: readonly string[]; secret?: boolean }): ConfigVariable<string> {
  return variable(spec, urlFormat(spec.protocols), (value) => checkedUrl(value, spec.protocols), { secret: spec.secret ?? true });
}

/** An absolute URL of one of `protocols`, or nothing (null) when unset: the feature is off. */
export function optionalUrl(spec: Described & { protocols: readonly string[]; unset: string }): ConfigVariable<string | null> {
  return variable<string | null>({ ...spec, default: { derive: () => null, text: spec.unset } }, urlFormat(spec.protocols), (value) => checkedUrl(value, spec.protocols), { secret: true });
}

function urlFormat(protocols: readonly string[]): string {
  return `URL (${protocols.map((p) => `${p}://`).join(', ')})`;
}

function checkedUrl(value: string, protocols: readonly string[]): string {
  const trimmed = value.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new InvalidValue(`不是有效的 URL not a valid URL (expected ${protocols.map((p) => `${p}://…`).join(' or ')})`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) throw new InvalidValue(`协议不符 wrong scheme ${parsed.protocol}// (expected ${protocols.map((p) => `${p}://`).join(' or ')})`);
  return trimmed;
}

const SIZE_UNITS = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

/** A size as the body parsers write it (`1mb`, `800kb`, `1048576` bytes); the value is in bytes. */
export function size(spec: Described & { default: string; minBytes: number; maxBytes: number }): ConfigVariable<number> {
  const limits = `${formatBytes(spec.minBytes)}–${formatBytes(spec.maxBytes)}`;
  return variable<number>(
    { ...spec, default: { derive: () => bytesOf(spec.default)!, text: code(spec.default) } },
    `size (\`800kb\`, \`5mb\`, bytes) ${limits}`,
    (value) => {
      const bytes = bytesOf(value);
      if (bytes === null) throw new InvalidValue('不是大小 not a size (expected e.g. 800kb, 5mb or a number of bytes)');
      if (bytes < spec.minBytes || bytes > spec.maxBytes) throw new InvalidValue(`超出范围 out of range (expected ${limits})`);
      return bytes;
    },
  );
}

/** Bytes as the body parsers count them (1kb = 1024 b); null for what is no size. */
function bytesOf(value: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(value.trim());
  if (!match) return null;
  return Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase() as keyof typeof SIZE_UNITS]);
}

function formatBytes(bytes: number): string {
  for (const unit of ['gb', 'mb', 'kb'] as const) if (bytes % SIZE_UNITS[unit] === 0 && bytes >= SIZE_UNITS[unit]) return `${bytes / SIZE_UNITS[unit]}${unit}`;
  return `${bytes}b`;
}

/**
 * A lifetime as jsonwebtoken reads it (`30m`, `2h`, `7 days`), with its unit: a bare number would be read as
 * milliseconds, which nobody means for a token.
 */
export function duration(spec: Defaulted<string>): ConfigVariable<string> {
  const pattern = /^\d+(?:\.\d+)?\s*(?:milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)$/i;
  return variable(spec, 'duration with its unit (`30m`, `2h`, `7d`)', (value) => {
    const trimmed = value.trim();
    if (!pattern.test(trimmed)) throw new InvalidValue('不是带单位的时长 not a duration with its unit (expected e.g. 30m, 2h, 7d)');
    if (!/[1-9]/.test(trimmed)) throw new InvalidValue('时长须大于 0 must be longer than 0');
    return trimmed;
  });
}

const NAMED_SUBNETS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Express's `trust proxy` as text (apps/api reads it): `true`, `false`, a hop count, or a comma-separated list of
 * addresses, subnets (`10.0.0.0/8`) and the names loopback, linklocal, uniquelocal. Null when unset.
 */
export function trustedProxies(spec: Described & { unset: string }): ConfigVariable<string | null> {
  return variable<string | null>(
    { ...spec, default: { derive: () => null, text: spec.unset } },
    '`true`, a hop count, or addresses/subnets (`loopback, 10.0.0.0/8`)',
    (value) => {
      const trimmed = value.trim();
      if (trimmed === 'true' || trimmed === 'false' || /^\d+$/.test(trimmed)) return trimmed;
      const bad = trimmed.split(',').map((entry) => entry.trim()).filter((entry) => !NAMED_SUBNETS.includes(entry) && !isSubnet(entry));
      if (bad.length > 0) throw new InvalidValue(`不是地址或子网 not an address or subnet: ${bad.map((b) => `"${b}"`).join(', ')} (expected true, a hop count, or e.g. loopback, 10.0.0.0/8)`);
      return trimmed;
    },
  );
}

function isSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (/^\d+$/.test(prefix)) return Number(prefix) <= (version === 4 ? 32 : 128);
  return version === 4 && isIP(prefix) === 4;
}

/** An S3-compatible bucket, read from `s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true` (credentials may be the URL's user:password). */
export interface ObjectStorageLocation {
  bucket: string;
  /** Key prefix ('' or ending in '/'). */
  prefix: string;
  /** Another server than AWS (MinIO, Ceph, a cloud's S3 endpoint); null: AWS itself. */
  endpoint: string | null;
  region: string | null;
  forcePathStyle: boolean;
  accessKeyId: string | null;
  secretAccessKey: string | null;
}

const OBJECT_STORAGE_OPTIONS = ['endpoint', 'region', 'forcePathStyle'];

/** Where files go: an `s3://` URL, or nothing (null) when unset. Secret: the URL may carry credentials. */
export function objectStorage(spec: Described & { unset: string }): ConfigVariable<ObjectStorageLocation | null> {
  return variable<ObjectStorageLocation | null>(
    { ...spec, default: { derive: () => null, text: spec.unset } },
    '`s3://bucket/prefix?endpoint=&region=&forcePathStyle=`',
    (value) => {
      let parsed: URL;
      try {
        parsed = new URL(value.trim());
      } catch {
        throw new InvalidValue('不是有效的 URL not a valid URL (expected s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true)');
      }
      if (parsed.protocol !== 's3:') throw new InvalidValue(`协议不符 wrong scheme ${parsed.protocol}// (expected s3://)`);
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(parsed.hostname) || parsed.port !== '') throw new InvalidValue('桶名无效 not a bucket name (expected s3://bucket/…, 3–63 lowercase letters, digits, dots and hyphens)');
      const unknown = [...parsed.searchParams.keys()].filter((key) => !OBJECT_STORAGE_OPTIONS.includes(key));
      if (unknown.length > 0) throw new InvalidValue(`未知参数 unknown option ${unknown.join(', ')} (expected ${OBJECT_STORAGE_OPTIONS.join(', ')})`);
      const endpoint = parsed.searchParams.get('endpoint') || null;
      if (endpoint !== null) {
        try {
          if (!['http:', 'https:'].includes(new URL(endpoint).protocol)) throw new Error();
        } catch {
          throw new InvalidValue('endpoint 须为 http(s) URL (expected endpoint=http://host:port)');
        }
      }
      const pathStyle = parsed.searchParams.get('forcePathStyle') ?? 'false';
      if (pathStyle !== 'true' && pathStyle !== 'false') throw new InvalidValue('forcePathStyle 须为 true 或 false (expected true or false)');
      if (Boolean(parsed.username) !== Boolean(parsed.password)) throw new InvalidValue('凭据不完整 credentials need both parts (expected s3://KEY_ID:SECRET@bucket/…, or neither)');
      const prefix = decodeURIComponent(parsed.pathname).replace(/^\/+/, '');
      return {
        bucket: parsed.hostname,
        prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
        endpoint,
        region: parsed.searchParams.get('region') || null,
        forcePathStyle: pathStyle === 'true',
        accessKeyId: parsed.username ? decodeURIComponent(parsed.username) : null,
        secretAccessKey: parsed.password ? decodeURIComponent(parsed.password) : null,
      };
    },
    { secret: true },
  );
}
