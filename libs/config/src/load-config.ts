import type { AppConfig } from './app-config.js';
import { CONFIG_VARIABLES, type ConfigKey, type ConfigValues } from './config.declaration.js';
import { InvalidValue, type ConfigVariable } from './config-variable.js';

export interface ConfigProblem {
  variable: string;
  /** What is wrong, with the value unless the variable is secret. */
  message: string;
}

/** Some variables have values the process cannot run with: all of them, each named with what is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(['配置无效，进程未启动 invalid configuration, not started:', ...problems.map((p) => `  ${p.message}`)].join('\n'));
  }
}

/** Rules between variables, checked once each has a valid value. */
const RULES: ((config: ConfigValues) => ConfigProblem | null)[] = [
  (config) =>
    config.webhookUrl !== null && config.webhookSecret === null
      ? { variable: 'WEBHOOK_SECRET', message: 'WEBHOOK_SECRET: 设置了 WEBHOOK_URL 时必填 required when WEBHOOK_URL is set (deliveries are signed)' }
      : null,
];

/**
 * The configuration in `env` (a process's environment), every variable checked: unset or blank takes its default,
 * anything else must be a valid value. Throws a ConfigError that names every bad variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, variable] of Object.entries(CONFIG_VARIABLES) as [ConfigKey, ConfigVariable<unknown>][]) {
    const raw = env[variable.name];
    if (raw === undefined || raw.trim() === '') {
      values[key] = variable.fallback(values);
      continue;
    }
    try {
      values[key] = variable.parse(raw);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      const shown = variable.secret ? '' : `=${JSON.stringify(raw)}`;
      problems.push({ variable: variable.name, message: `${variable.name}${shown}: ${error.message}` });
    }
  }
  if (problems.length === 0) problems.push(...RULES.map((rule) => rule(values as ConfigValues)).filter((p) => p !== null));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as AppConfig;
}
