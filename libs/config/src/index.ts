export { AppConfig } from './app-config.js';
export { AppConfigModule } from './app-config.module.js';
export { CONFIG_VARIABLES, type ConfigKey, type ConfigValues } from './config.declaration.js';
export type { ObjectStorageLocation } from './config-variable.js';
export { ConfigError, loadConfig, type ConfigProblem } from './load-config.js';
export { CONFIG_EXIT_CODE, processConfig, processConfigOrExit } from './process-config.js';
