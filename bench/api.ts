import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from '../api/app.ts';
import { insertApiKey, newApiKeyId } from '../db/credentials.repository.ts';
import { loadConfig } from '../platform/config.ts';
import { withThrowawayPlatform } from '../scripts/throwaway-platform.ts';

/**
 * `npm run bench:api [seconds]` (default 15 per step): the staff API as `npm run api` builds it, on
 * a throwaway platform (embedded PostgreSQL with the demo data, dev server, workers in this
 * process), driven open loop — requests started at a fixed offered rate whether or not the earlier
 * ones have answered, as a contact centre's clients would — for intake, the case list, a case's
 * detail and the task list. Prints per step the offered and achieved rate (answers 2xx per second)
 * and p50/p99 latency. The load generator shares this process and its 2 cores with everything
 * else, so the figures are a floor. Lists at ten million cases: `bench:lists`.
 */
const seconds = Number(process.argv[2] ?? 15);

const quantile = (xs: number[], q: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN;

interface Step {
  label: string;
  rate: number;
  request: (i: number) => { method?: string; path: string; body?: unknown; key?: string };
}

await withThrowawayPlatform({ postgres: 54361, temporal: 17261, temporalUi: 18261 }, async ({ db, client }) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sportello-bench-api-'));
  // The per-caller limit is what a deployment sets for an integration key; here it is not what is measured.
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, db, temporal: client, logger: pino({ level: 'silent' }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const key = await insertApiKey(db, newApiKeyId(), {
      name: 'bench',
      role: 'admin',
      municipalities: ['milano', 'firenze'],
      expiresAt: null,
      createdBy: 'bench',
    });
    const send = async (r: ReturnType<Step['request']>) => {
      const res = await fetch(`${base}${r.path}`, {
        method: r.method ?? 'GET',
        headers: {
          authorization: `Bearer ${key}`,
          ...(r.body ? { 'content-type': 'application/json' } : {}),
          ...(r.key ? { 'idempotency-key': r.key } : {}),
        },
        body: r.body ? JSON.stringify(r.body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
      return { status: res.status, body: await res.text() };
    };
    const intake = (tag: string) => (i: number) => ({
      method: 'POST',
      path: '/api/cases',
      key: `${tag}-${i}`,
      body: {
        municipalityId: 'milano',
        serviceCode: 'general-information',
        channel: 'phone',
        subject: `Banco di prova ${tag} ${i}`,
        citizen: { phone: `+39340${String(i).padStart(7, '0')}` },
        details: { topic: 'tributi' },
      },
    });
    // Cases for the reads to find.
    const warm = intake('warm');
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((JSON.parse((await send(warm(i))).body) as { id: string }).id);

    const list = { path: `/api/cases?range=${encodeURIComponent('[0,24]')}&sort=${encodeURIComponent('["createdAt","DESC"]')}` };
    const steps: Step[] = [
      { label: 'intake POST /api/cases', rate: 20, request: intake('20') },
      { label: 'intake POST /api/cases', rate: 50, request: intake('50') },
      { label: 'list GET /api/cases', rate: 100, request: () => list },
      { label: 'list GET /api/cases', rate: 300, request: () => list },
      { label: 'detail GET /api/cases/:id', rate: 300, request: (i) => ({ path: `/api/cases/${ids[i % ids.length]}` }) },
      { label: 'tasks GET /api/tasks', rate: 300, request: () => ({ path: `/api/tasks?range=${encodeURIComponent('[0,24]')}` }) },
    ];
    const rows: string[] = [];
    for (const step of steps) {
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      const total = Math.round(step.rate * seconds);
      const t0 = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        // Open loop: the i-th request starts at t0 + i/rate, answered or not.
        const due = t0 + (i * 1000) / step.rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const started = performance.now();
        inFlight.push(
          send(step.request(i)).then(
            ({ status }) => {
              statuses.set(status, (statuses.get(status) ?? 0) + 1);
              if (status < 300) latencies.push(performance.now() - started);
            },
            () => void statuses.set(0, (statuses.get(0) ?? 0) + 1),
          ),
        );
      }
      await Promise.all(inFlight);
      const elapsed = (performance.now() - t0) / 1000;
      const ok = latencies.length;
      const others = [...statuses].filter(([s]) => s >= 300 || s === 0).map(([s, n]) => `${n}×${s || 'error'}`);
      rows.push(
        `| ${step.label} | ${step.rate} | ${(ok / elapsed).toFixed(1)} | ${quantile(latencies, 0.5).toFixed(0)} | ${quantile(latencies, 0.99).toFixed(0)} | ${others.join(', ') || '—'} |`,
      );
      console.error(rows.at(-1));
    }
    let commit = 'unknown';
    try {
      commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    } catch {
      /* not a checkout */
    }
    console.log(
      [
        `API benchmark (${new Date().toISOString().slice(0, 16)} UTC, commit ${commit}, load average ${os.loadavg()[0]!.toFixed(1)}, ${os.cpus().length} cores), ${seconds} s per step, open loop`,
        '| step | offered/s | achieved/s | p50 ms | p99 ms | not 2xx |',
        '| --- | ---: | ---: | ---: | ---: | --- |',
        ...rows,
      ].join('\n'),
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
