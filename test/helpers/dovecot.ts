import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { retryOnPortTaken } from './ports.ts';

export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Dovecot's log so far (for a failing test's message). */
  log: () => string;
  /** Stops the server (every connection drops) and starts it again on the same port, with the same mail. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

const dovecotBin = '/usr/sbin/dovecot';
const idOf = (flag: '-u' | '-g', name: string) => Number(execFileSync('id', [flag, name]).toString().trim());

/**
 * A private Dovecot (Debian's dovecot-imapd, installed by scripts/test-setup.ts) on 127.0.0.1: its
 * own configuration, runtime directory and maildir in a temporary directory, one user with a
 * plain-text password, no TLS. Its mail processes run as the package's `dovecot` user.
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sportello-dovecot-'));
  chmodSync(dir, 0o755);
  const [uid, gid] = [idOf('-u', 'dovecot'), idOf('-g', 'dovecot')];
  const mail = path.join(dir, 'mail');
  mkdirSync(mail);
  chownSync(mail, uid, gid);
  const user = 'protocollo@test.example';
  const password = 'imap-test-password';
  writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}:${uid}:${gid}::${mail}/%n::\n`);

  return retryOnPortTaken(1, async ([port]) => {
    const conf = path.join(dir, 'dovecot.conf');
    writeFileSync(
      conf,
      `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = sportello-test-${port}
log_path = /dev/stderr
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
# IDLE notices within a second (inotify may be unavailable in a container; the default check is every 30 s).
mailbox_idle_check_interval = 1 secs
# The mail processes run as the package's system user, below the usual first_valid_uid.
first_valid_uid = ${uid}
last_valid_uid = ${uid}
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
    );
    let output = '';
    const run = async () => {
      const started = spawn(dovecotBin, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      started.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      started.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      await listening(started, port!, () => output);
      return started;
    };
    const halt = async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    };
    let child = await run();
    return {
      host: '127.0.0.1',
      port: port!,
      user,
      password,
      log: () => output,
      restart: async () => {
        await halt();
        child = await run();
      },
      stop: async () => {
        await halt();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

/** Resolves once the IMAP port greets; rejects with Dovecot's output if it exits first. */
async function listening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited (${child.exitCode}):\n${output()}`);
    const greeted = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('* OK'));
      });
      s.once('error', () => resolve(false));
    });
    if (greeted) return;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`dovecot did not listen on ${port}:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
