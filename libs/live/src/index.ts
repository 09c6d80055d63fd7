/**
 * The front door of libs/live (`#perf-eval/live`): what apps and other libs may use of it.
 * Files inside the lib import each other relatively, never through this file (.dependency-cruiser.cjs checks both).
 */
export { liveChannels, type LiveEvaluationChange, type LiveNotification } from './live-messages.js';
export { LivePublisher } from './live-publisher.js';
export { LiveModule } from './live.module.js';
