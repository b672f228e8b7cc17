// Entry of the Electron utilityProcess that runs the embedded core (bundled to dist/main/core-process.cjs).
// Electron gives utility processes `process.parentPort`; messages from main arrive as `{ data }` events.
import { createCoreProcessHandler } from './embedded-core';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!port) {
  process.stderr.write('core-process: run me with Electron utilityProcess.fork (no parentPort here)\n');
  process.exit(2);
}
const onMessage = createCoreProcessHandler((reply) => port.postMessage(reply), (code) => process.exit(code));
port.on('message', (e) => void onMessage(e.data));
