import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { rebuildRollups } from '../../db/kpi-rollups.repository.ts';
import type { TrafficBatch } from './model.ts';
import { addToTally, emptyTally, type Tally } from './tally.ts';

/**
 * Bulk mode: the simulated rows straight into the tables the real system writes (calls at their
 * final state as recordCallEvent leaves them, the case read model: cases, tasks, case_events),
 * many rows per statement. No call events and no workflows: it is the KPIs' input, not a replay.
 */
const columns = {
  calls: {
    id: 'text',
    linked_call_id: 'text',
    direction: 'text',
    caller: 'text',
    called: 'text',
    municipality_id: 'text',
    state: 'text',
    queue: 'text',
    agent: 'text',
    ivr_choice: 'text',
    end_cause: 'text',
    wait_seconds: 'float8',
    started_at: 'timestamptz',
    connected_at: 'timestamptz',
    ended_at: 'timestamptz',
    last_seq: 'int',
  },
  cases: {
    id: 'text',
    municipality_id: 'text',
    service_code: 'text',
    channel: 'text',
    subject: 'text',
    description: 'text',
    citizen: 'jsonb',
    status: 'text',
    stage: 'text',
    outcome: 'text',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    resolved_at: 'timestamptz',
    last_seq: 'int',
    definition_version: 'int',
    details: 'jsonb',
    office_id: 'text',
    solicitations: 'int',
  },
  tasks: {
    id: 'text',
    case_id: 'text',
    office_id: 'text',
    assignee: 'text',
    status: 'text',
    warning_at: 'timestamptz',
    due_at: 'timestamptz',
    sla_state: 'text',
    escalated: 'bool',
    waiting_since: 'timestamptz',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    last_seq: 'int',
  },
  case_events: {
    case_id: 'text',
    seq: 'int',
    type: 'text',
    at: 'timestamptz',
    stage: 'text',
    actor: 'text',
    data: 'jsonb',
    definition_version: 'int',
  },
} as const;

/** One insert of many rows: a typed array per column, unnested (jsonb travels as text). */
async function insertRows(db: Executor, table: keyof typeof columns, rows: object[]) {
  if (rows.length === 0) return;
  const cols = Object.entries(columns[table]);
  const arrays = cols.map(([name, type]) => {
    const values = rows.map((r) => (r as Record<string, unknown>)[name] ?? null);
    return sql`${values}::${sql.raw(type === 'jsonb' ? 'text' : type)}[]`;
  });
  const select = cols.map(([name, type], i) => sql`${sql.ref(`u.c${i}`)}${sql.raw(type === 'jsonb' ? '::jsonb' : '')} as ${sql.ref(name)}`);
  await sql`insert into ${sql.table(table)} (${sql.join(cols.map(([name]) => sql.ref(name)))})
            select ${sql.join(select)} from unnest(${sql.join(arrays)}) as u(${sql.join(cols.map((_, i) => sql.ref(`c${i}`)))})`.execute(
    db,
  );
}

export interface BulkOptions {
  /** 'triggers': the rollup triggers keep the rollups row by row (small runs); 'rebuild': triggers off, one rebuild at the end (large runs). */
  rollups: 'triggers' | 'rebuild';
  rowsPerInsert?: number;
  onProgress?: (t: Tally) => void;
}

const rollupTriggers = [
  ['calls', 'calls_kpi_rollup'],
  ['cases', 'cases_kpi_rollup'],
  ['tasks', 'tasks_kpi_rollup'],
  ['case_events', 'case_events_kpi_rollup'],
  ['cases', 'cases_kpi_events_rekey'],
  ['tasks', 'tasks_kpi_events_rekey'],
] as const;
async function setRollupTriggers(db: Executor, on: boolean) {
  for (const [table, trigger] of rollupTriggers)
    await sql`alter table ${sql.table(table)} ${sql.raw(on ? 'enable' : 'disable')} trigger ${sql.ref(trigger)}`.execute(db);
}

/**
 * Writes the batches (cases before their tasks and events), and answers the tally of what was
 * written. Given a transaction, all of it (triggers switched off and back, the rebuild) is atomic.
 */
export async function writeTraffic(db: Executor, batches: Iterable<TrafficBatch>, o: BulkOptions): Promise<Tally> {
  const tally = emptyTally();
  const limit = o.rowsPerInsert ?? 5_000;
  const pending: TrafficBatch = { calls: [], cases: [], tasks: [], events: [] };
  const flush = async () => {
    await insertRows(db, 'calls', pending.calls.splice(0));
    await insertRows(db, 'cases', pending.cases.splice(0));
    await insertRows(db, 'tasks', pending.tasks.splice(0));
    await insertRows(db, 'case_events', pending.events.splice(0));
    o.onProgress?.(tally);
  };
  if (o.rollups === 'rebuild') await setRollupTriggers(db, false);
  try {
    for (const b of batches) {
      addToTally(tally, b);
      pending.calls.push(...b.calls);
      pending.cases.push(...b.cases);
      pending.tasks.push(...b.tasks);
      pending.events.push(...b.events);
      if (pending.calls.length + pending.cases.length + pending.events.length >= limit) await flush();
    }
    await flush();
  } finally {
    if (o.rollups === 'rebuild') await setRollupTriggers(db, true);
  }
  if (o.rollups === 'rebuild') {
    // Fresh statistics first: planned as the near-empty tables they were, the rollup sums join in nested loops (minutes, not seconds).
    await sql`analyze calls, cases, tasks, case_events`.execute(db);
    await (db.isTransaction ? rebuildRollups(db) : db.transaction().execute(rebuildRollups));
  }
  return tally;
}
