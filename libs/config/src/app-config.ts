import type { ConfigValues } from './config.declaration.js';

/**
 * The validated configuration of this process, and the Nest token it is injected by: a class, so that a
 * constructor parameter typed `AppConfig` needs no @Inject. Its members are the declared variables' values
 * (config.declaration.ts); the object is frozen.
 */
export abstract class AppConfig {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the token and its type under one name
export interface AppConfig extends ConfigValues {}
