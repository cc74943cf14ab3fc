// The worker's entry: worker threads do not inherit the TypeScript loader the
// process started with (tsx), so it is registered here before the worker loads.
import { register } from 'tsx/esm/api';

register();
await import('./heavy-worker.ts');
