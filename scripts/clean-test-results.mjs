// Clears the logs and secrets of the previous test run, so the log audit
// reads this run only.
import fs from 'node:fs';

for (const dir of ['test-results/logs', 'test-results/secrets', 'test-results/identities']) {
  fs.rmSync(dir, { recursive: true, force: true });
}
