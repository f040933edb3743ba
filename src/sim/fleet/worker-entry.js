// A simulation worker thread's entry: TypeScript is registered here (a worker does not always
// inherit the main thread's -r ts-node/register, e.g. under another loader), then the worker runs.
require('../../report/ts-entry').ensureTypeScript();
require('./worker.ts');
