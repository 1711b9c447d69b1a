import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { CalendarInput } from '../../domain/calendar.ts';
import type { CaseStatus, Channel, Citizen, Outcome, StaffRole } from '../../domain/case.ts';
import type { ServiceDefinitionInput } from '../../domain/service-definition.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface MunicipalitiesTable { id: string; name: string; istat_code: string; created_at: CreatedAt }
export interface OfficesTable {
  id: string; municipality_id: string; name: string; email: string | null; phone: string | null;
  calendar_id: string | null; created_at: CreatedAt;
}
export interface CalendarsTable { id: string; municipality_id: string; name: string; spec: Json<CalendarInput>; created_at: CreatedAt }
export interface ServiceDefinitionsTable {
  service_code: string;
  version: number;
  status: 'draft' | 'published';
  document: Json<ServiceDefinitionInput>;
  created_at: CreatedAt;
  published_at: Timestamp | null;
}
export interface StaffUsersTable {
  id: string; display_name: string; email: string; role: StaffRole; office_id: string | null; created_at: CreatedAt;
  password_hash: string | null; disabled_at: Timestamp | null;
}
export interface StaffSessionsTable {
  token_hash: string; user_id: string; csrf_token: string; created_at: CreatedAt; expires_at: Timestamp;
}
export interface ApiKeysTable {
  id: string; name: string; key_hash: string; role: StaffRole; municipalities: string[];
  expires_at: Timestamp | null; revoked_at: Timestamp | null; created_by: string; created_at: CreatedAt;
  last_used_at: Timestamp | null;
}
export interface AuditLogTable {
  id: Generated<number>; chain: string; seq: number; at: Timestamp; actor: string; role: string | null;
  municipality_id: string | null; action: string; target_type: string; target_id: string; request_id: string | null;
  before_digest: string | null; after_digest: string | null; prev_hash: string; hash: string;
}
export interface AuditChainsTable { chain: string; seq: number; hash: string }
export interface StaffUserMunicipalitiesTable { user_id: string; municipality_id: string }
export interface ServicesTable {
  municipality_id: string; code: string; name: string; office_id: string; created_at: CreatedAt;
}
export interface CasesTable {
  id: string;
  municipality_id: string;
  service_code: string;
  channel: Channel;
  subject: string;
  description: string;
  citizen: Json<Citizen>;
  status: CaseStatus;
  stage: string;
  outcome: Outcome | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: Timestamp | null;
  last_seq: number;
  definition_version: number | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  office_id: string | null;
  solicitations: Generated<number>;
}
export interface TasksTable {
  id: string;
  case_id: string;
  office_id: string;
  assignee: string | null;
  status: 'open' | 'claimed' | 'done';
  warning_at: Timestamp;
  due_at: Timestamp;
  sla_state: 'on-track' | 'warning' | 'breached';
  escalated: boolean;
  waiting_since: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_seq: number;
}
export interface CaseEventsTable {
  case_id: string;
  seq: number;
  type: string;
  at: Timestamp;
  stage: string;
  actor: string | null;
  data: Json<Record<string, unknown>>;
  definition_version: number | null;
  recorded_at: CreatedAt;
}
export interface IdempotencyKeysTable {
  scope: string; key: string; request_hash: string; resource_id: string; created_at: CreatedAt;
}
export interface OutboundMessagesTable {
  id: Generated<number>;
  case_id: string;
  dedup_key: string;
  channel: 'sms' | 'email';
  recipient: string;
  body: string;
  status: Generated<string>;
  created_at: CreatedAt;
}

export interface Database {
  municipalities: MunicipalitiesTable;
  offices: OfficesTable;
  calendars: CalendarsTable;
  service_definitions: ServiceDefinitionsTable;
  staff_users: StaffUsersTable;
  staff_user_municipalities: StaffUserMunicipalitiesTable;
  staff_sessions: StaffSessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  audit_chains: AuditChainsTable;
  services: ServicesTable;
  cases: CasesTable;
  tasks: TasksTable;
  case_events: CaseEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  outbound_messages: OutboundMessagesTable;
}

/** What a repository function runs on: the pool, or the caller's transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type NewCaseEvent = Insertable<CaseEventsTable>;
