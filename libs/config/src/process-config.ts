import type { AppConfig } from './app-config.js';
import { ConfigError, loadConfig } from './load-config.js';

/** EX_CONFIG of sysexits.h: the process was started with a configuration it cannot run with. */
export const CONFIG_EXIT_CODE = 78;

let loaded: AppConfig | null = null;

/**
 * This process's configuration: its environment, read and validated at the first call, then the same object.
 * The one place that reads `process.env`. Nest code gets it injected (AppConfigModule); only what runs outside
 * injection calls this: decorator options read when Nest builds a worker or an interceptor, the TypeORM CLI.
 */
export function processConfig(): AppConfig {
  loaded ??= loadConfig(process.env);
  return loaded;
}

/**
 * For the entry points (API, worker, CLI), first thing: the configuration, or the message naming each bad
 * variable on stderr and exit code 78 (no stack trace: nothing is wrong with the program).
 */
export function processConfigOrExit(): AppConfig {
  try {
    return processConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(CONFIG_EXIT_CODE);
  }
}
