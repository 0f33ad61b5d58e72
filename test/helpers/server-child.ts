/**
 * The entry point of a server started by startServerProcess
 * (server-process.ts): the real start-up, src/server/main.ts, in a process
 * that ends itself once the test process that started it is gone (killed or
 * crashed before its teardown ran), so that no server outlives its test run.
 */
const parent = process.ppid;

// The parent's death closes no channel this child holds (its stdin is
// /dev/null): it shows as a new parent process id, checked twice a second.
setInterval(() => {
  if (process.ppid !== parent) {
    process.kill(process.pid, 'SIGKILL');
  }
}, 500).unref();

await import('../../src/server/main.js');
