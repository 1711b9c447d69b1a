import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';

/**
 * A private Kamailio (Debian's `kamailio`, installed by scripts/test-setup.ts) on 127.0.0.1, UDP
 * and TCP on one port, as a city's PBX/proxy would treat the back office's user agent:
 * - REGISTER needs digest credentials (401) for `user`/`password`, and fills its location table;
 * - every other request from `worker` (the user agent's address), in a dialog or not, needs them
 *   too (407) — then it goes to `gateway` (the citizen's phone: SIPp) unless it is in a dialog;
 * - calls from anyone else, to any number, go to `user`'s registered Contact (a DID routed to an
 *   extension), 404 when it is not registered; OPTIONS to `sip:<user>@…` likewise, which is how
 *   a test asks whether the binding is there.
 */
export interface KamailioOptions {
  worker: string;
  /** SIPp's address when the call is ours; `transport` (default udp) is how Kamailio reaches it. */
  gateway: { address: string; port: number; transport?: 'udp' | 'tcp' };
  user: string;
  password: string;
  algorithm: 'MD5' | 'SHA-256';
}
export interface Kamailio {
  address: string;
  port: number;
  realm: string;
  log: () => string;
  /** Resolves once Kamailio's log shows `pattern` (its log arrives through a pipe, a little after the fact). */
  logged: (pattern: RegExp) => Promise<void>;
  stop: () => Promise<void>;
}

const modules = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
const realm = 'sportello.test';

const config = (o: KamailioOptions, port: number) => `#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
auto_aliases=no
listen=udp:127.0.0.1:${port}
listen=tcp:127.0.0.1:${port}
alias="127.0.0.1:${port}"
mpath="${modules}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("auth", "algorithm", "${o.algorithm}")
# nc must go up with each use of a nonce, as RFC 7616 says.
modparam("auth", "nonce_count", 1)
modparam("usrloc", "db_mode", 0)
# Short bindings, so a test sees refreshes.
modparam("registrar", "min_expires", 1)
modparam("registrar", "default_expires", 60)

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if ($si == "${o.worker}" && !is_method("ACK|REGISTER")) {
    if (!pv_proxy_authenticate("${realm}", "${o.password}", "0") || $au != "${o.user}") {
      xlog("L_NOTICE", "challenging $rm from $si over $pr\\n");
      proxy_challenge("${realm}", "1");
      exit;
    }
    consume_credentials();
  }
  if (has_totag()) {
    if (loose_route()) route(RELAY);
    if (is_method("ACK") && t_check_trans()) t_relay();
    exit;
  }
  t_check_trans();
  if (is_method("REGISTER")) {
    xlog("L_NOTICE", "REGISTER cseq $cs from $si over $pr\n");
    if (!pv_www_authenticate("${realm}", "${o.password}", "0") || $au != "${o.user}") {
      www_challenge("${realm}", "1");
      exit;
    }
    consume_credentials();
    if (!save("location")) sl_reply_error();
    exit;
  }
  record_route();
  if ($si == "${o.worker}") {
    $du = "sip:${o.gateway.address}:${o.gateway.port};transport=${o.gateway.transport ?? 'udp'}";
    route(RELAY);
  }
  $rU = "${o.user}";
  if (lookup("location")) route(RELAY);
  sl_send_reply("404", "Not Found");
}
route[RELAY] { if (!t_relay()) sl_reply_error(); exit; }
`;

/** Asks Kamailio over UDP with an OPTIONS to no user (answered by Kamailio itself) until it answers 200. */
async function answered(port: number, exited: () => boolean): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const ok = new Promise<void>((resolve) => socket.on('message', (m) => m.toString().startsWith('SIP/2.0 200') && resolve()));
    let n = 0;
    const local = socket.address().port;
    for (;;) {
      if (exited()) throw new Error('kamailio exited');
      n++;
      const probe = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-probe-${n}`,
        'Max-Forwards: 70',
        `From: <sip:probe@127.0.0.1>;tag=p${n}`,
        `To: <sip:127.0.0.1:${port}>`,
        `Call-ID: probe-${n}@test`,
        `CSeq: ${n} OPTIONS`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(probe, port, '127.0.0.1');
      const settled = await Promise.race([ok.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
      if (settled) return;
    }
  } finally {
    socket.close();
  }
}

const freeTcp = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Whether a port is free for both UDP and TCP on 127.0.0.1: Kamailio binds both. */
async function freeSipPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const udp = dgram.createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (free && (await freeTcp(port))) return port;
  }
}

export async function startKamailio(o: KamailioOptions, attempts = 3): Promise<Kamailio> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sportello-kamailio-'));
  mkdirSync(path.join(dir, 'run'));
  for (let attempt = 1; ; attempt++) {
    const port = await freeSipPort();
    const cfg = path.join(dir, 'kamailio.cfg');
    writeFileSync(cfg, config(o, port));
    // -DD: in the foreground (with its worker processes), -E: log to stderr, -Y: its runtime files here.
    const child: ChildProcess = spawn('/usr/sbin/kamailio', ['-DD', '-E', '-f', cfg, '-Y', path.join(dir, 'run'), '-m', '32', '-M', '4'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const waiting = new Set<() => void>();
    const collect = (d: Buffer) => {
      output = (output + d.toString()).slice(-200_000);
      for (const check of waiting) check();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    let exited = false;
    const gone = new Promise<void>((resolve) =>
      child.on('exit', () => {
        exited = true;
        resolve();
      }),
    );
    try {
      await answered(port, () => exited);
    } catch (err) {
      child.kill('SIGKILL');
      await gone;
      if (attempt < attempts && /bind|in use/i.test(output)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`kamailio did not start: ${String(err)}\n${output}`);
    }
    return {
      address: '127.0.0.1',
      port,
      realm,
      log: () => output,
      logged: (pattern) =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (!pattern.test(output)) return;
            waiting.delete(check);
            resolve();
          };
          waiting.add(check);
          check();
        }),
      stop: async () => {
        if (!exited) {
          child.kill('SIGTERM');
          await gone;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
