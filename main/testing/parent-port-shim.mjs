// Loaded with --import into the Node child that stands in for Electron's utilityProcess (fake-electron.cjs):
// gives it the `process.parentPort` that Electron provides, on top of Node's IPC channel.
process.parentPort = {
  on(event, listener) { if (event === 'message') process.on('message', (data) => listener({ data })); },
  postMessage(message) { process.send?.(message); },
};
