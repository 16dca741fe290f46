/** Preload: workers forked from one zygote per code generation (see supervisor.ts). */
export { ZygoteSupervisor, type ZygoteInfo, type ZygoteSupervisorEvents } from './supervisor';
export { ForkedWorker } from './forked-worker';
