import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolveTemporalCli, resolveTemporalTestServer } from '../platform/tools.ts';
import { ensureConsoleBuilt } from './console-build.ts';

/**
 * Run by `npm test` before vitest: installs what the suite needs beyond node_modules — the pinned
 * Temporal binaries, Debian's Chromium for the console tests, SIPp for the SIP tests, pdftotext for the letter tests and Dovecot
 * for the inbound e-mail tests — and builds the console.
 */
const log = (m: string) => console.log(`[test-setup] ${m}`);
resolveTemporalCli(process.env.TEMPORAL_CLI, log);
resolveTemporalTestServer(log);

/** Installs a Debian package when the program it provides is missing. */
function aptInstall(program: string, pkg: string, why: string): void {
  if (existsSync(program)) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  log(`installing ${pkg} for ${why} (apt-get)`);
  for (const args of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', pkg],
  ]) {
    const cmd = [...sudo, ...args];
    const r = spawnSync(cmd[0]!, cmd.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) {
      console.error(`could not install ${pkg} (${cmd.join(' ')} failed); install it yourself: apt-get install ${pkg}`);
      process.exit(1);
    }
  }
}
aptInstall('/usr/bin/chromium', 'chromium', 'the browser tests');
// SIPp, the real SIP peer of the telephony tests; the package also ships the RFC 4733 DTMF captures they play.
aptInstall('/usr/bin/sipp', 'sip-tester', 'the SIP tests');
// Kamailio, the registrar and authenticating proxy the SIP user agent registers with and calls through.
aptInstall('/usr/sbin/kamailio', 'kamailio', 'the SIP registration and authentication tests');
// Poppler's pdftotext reads the printed letters back, as any PDF reader would.
aptInstall('/usr/bin/pdftotext', 'poppler-utils', 'the letter tests');
// Dovecot, the real IMAP server the inbound e-mail tests deliver mail into (each test runs a private instance).
aptInstall('/usr/sbin/dovecot', 'dovecot-imapd', 'the inbound e-mail tests');
ensureConsoleBuilt(log);
