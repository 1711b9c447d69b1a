import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolveTemporalCli, resolveTemporalTestServer } from '../platform/tools.ts';
import { ensureConsoleBuilt } from './console-build.ts';

/**
 * Run by `npm test` before vitest: installs what the suite needs beyond node_modules — the pinned
 * Temporal binaries, Debian's Chromium for the console tests — and builds the console.
 */
const log = (m: string) => console.log(`[test-setup] ${m}`);
resolveTemporalCli(process.env.TEMPORAL_CLI, log);
resolveTemporalTestServer(log);

const chromium = '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  log('installing chromium for the browser tests (apt-get)');
  for (const args of [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium']]) {
    const cmd = [...sudo, ...args];
    const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      console.error(`could not install chromium (${cmd.join(' ')} failed); install it yourself: apt-get install chromium`);
      process.exit(1);
    }
  }
}
ensureConsoleBuilt(log);
