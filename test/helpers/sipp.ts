import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

/** SIPp (Debian's sip-tester) as the real SIP peer of the user agent, on a loopback address of its own. */
export const sippAddress = '127.0.0.3';
export const uaAddress = '127.0.0.2';
const scenarios = fileURLToPath(new URL('../sipp/', import.meta.url));
const running = new Set<ChildProcess>();

/** SIPp's exit code (0: every call succeeded), the end of its screen, and the folder with its trace files. */
export interface SippRun {
  code: number | null;
  output: string;
  dir: string;
}

/** A UDP port that was free a moment ago on `address`, for SIPp. */
export const freeUdpPort = (address = sippAddress) => freePort({ address, protocol: 'udp' });

/** Whether something (SIPp) listens on this port: binding it fails. */
function bound(address: string, port: number, tcp: boolean): Promise<boolean> {
  if (tcp) {
    const server = net.createServer();
    return new Promise((resolve) => {
      server.once('error', () => resolve(true));
      server.listen(port, address, () => server.close(() => resolve(false)));
    });
  }
  const s = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => resolve(true));
    s.bind(port, address, () => s.close(() => resolve(false)));
  });
}

/**
 * Runs one scenario of test/sipp/ in the foreground (`-m` calls, then it exits: 0 when every call
 * succeeded); it is killed after `timeoutMs`. `listening` resolves once SIPp has bound `-p`, for
 * scenarios where it waits for our call.
 */
export function runSipp(scenario: string, args: string[], timeoutMs = 30_000): { done: Promise<SippRun>; listening: Promise<void> } {
  const cwd = mkdtempSync(path.join(tmpdir(), 'sipp-'));
  const child = spawn(
    'sipp',
    ['-sf', path.join(scenarios, scenario), '-i', sippAddress, '-mi', sippAddress, '-nostdin', '-trace_err', ...args],
    { cwd },
  );
  running.add(child);
  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-100_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let exited = false;
  const done = new Promise<SippRun>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, output: `${output}\n(SIPp's error log in ${cwd})`, dir: cwd });
    }),
  );
  const port = Number(args[args.indexOf('-p') + 1]);
  const tcp = args.includes('-t') && args[args.indexOf('-t') + 1] === 't1';
  const listening = (async () => {
    while (!exited && !(await bound(sippAddress, port, tcp))) await new Promise((r) => setTimeout(r, 50));
  })();
  return { done, listening };
}

export function killSipp(): void {
  for (const child of running) child.kill('SIGKILL');
}
