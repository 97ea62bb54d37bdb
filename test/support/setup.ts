// Bundled in front of every spec file by test/runner/run.mjs: the shared
// checks every spec gets (see test/support/leaks.ts once the notifier exists).
export {};
