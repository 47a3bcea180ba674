// A vitest reporter that `npm test` adds (scripts/test.mjs): it starts the type check and the lint
// when the first file of a step after the paired one starts (sequence.groupOrder 2 and later: the
// faults and the cluster), where the suite leaves about half of the two cores idle, and waits for
// them before vitest ends. Started earlier, beside the paired files, they took CPU from steps that
// use both cores. Their exit code goes to the file named by STATIC_CHECKS_RESULT; a run that never
// reached those steps writes nothing, and scripts/test.mjs runs the checks after it instead.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static-checks.mjs');
const FIRST_LATE_GROUP = 2;

export default class StaticChecksReporter {
  /** @type {Promise<number> | undefined} */
  checks;

  onTestModuleStart(testModule) {
    if (this.checks || (testModule.project.config.sequence?.groupOrder ?? 0) < FIRST_LATE_GROUP) return;
    this.checks = new Promise((resolve) => {
      const child = spawn(process.execPath, [script, '--background'], { stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('error', () => resolve(1));
      child.once('close', (code) => resolve(code ?? 1));
    });
  }

  async onTestRunEnd() {
    if (!this.checks || !process.env.STATIC_CHECKS_RESULT) return;
    fs.writeFileSync(process.env.STATIC_CHECKS_RESULT, String(await this.checks));
  }
}
