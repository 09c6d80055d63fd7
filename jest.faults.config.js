/** The fault suite (npm run test:faults): its own PostgreSQL cluster and Redis per file, API and worker as child processes. */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  testTimeout: 180000,
};
