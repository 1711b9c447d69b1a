import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { adminUiDist, projectRoot } from '../platform/paths.ts';

const uiRoot = path.join(projectRoot, 'admin-ui');

function newestSourceTime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceTime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the console with Vite when its sources are newer than the last build. */
export function ensureConsoleBuilt(log: (msg: string) => void): void {
  const built = path.join(adminUiDist, 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSourceTime(uiRoot)) return;
  log('building the admin console (vite)…');
  const result = spawnSync(
    process.execPath,
    [
      path.join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(uiRoot, 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    { cwd: projectRoot, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error('the admin console failed to build (see vite output above)');
}
