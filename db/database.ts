import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { CalendarInput } from '../domain/calendar.ts';
import type { CallEvent, CallEventType, EndCause } from '../domain/call-events.ts';
import type { CaseLocation, CaseStatus, Channel, Citizen, Outcome, StaffRole } from '../domain/case.ts';
import type { LineConfig } from '../domain/line.ts';
import type { ServiceDefinitionInput } from '../domain/service-definition.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface MunicipalitiesTable {
  id: string;
  name: string;
  istat_code: string;
  created_at: CreatedAt;
}
export interface OfficesTable {
  id: string;
  municipality_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  calendar_id: string | null;
  created_at: CreatedAt;
}
export interface CalendarsTable {
  id: string;
  municipality_id: string;
  name: string;
  spec: Json<CalendarInput>;
  created_at: CreatedAt;
}
export interface ServiceDefinitionsTable {
  service_code: string;
  version: number;
  status: 'draft' | 'published';
  document: Json<ServiceDefinitionInput>;
  created_at: CreatedAt;
  published_at: Timestamp | null;
}
export interface StaffUsersTable {
  id: string;
  display_name: string;
  email: string;
  role: StaffRole;
  office_id: string | null;
  created_at: CreatedAt;
  password_hash: string | null;
  disabled_at: Timestamp | null;
}
export interface StaffSessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}
export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  role: StaffRole;
  municipalities: string[];
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  rate_limit_per_minute: number | null;
}
export interface AuditLogTable {
  id: Generated<number>;
  chain: string;
  /** Position in the chain and the batch that sealed it; null while pending. */
  seq: number | null;
  batch: number | null;
  at: Timestamp;
  actor: string;
  role: string | null;
  municipality_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  request_id: string | null;
  before_digest: string | null;
  after_digest: string | null;
  /** Only in records of the old hash chain, sealed into each chain's first batch as they were. */
  prev_hash: string | null;
  /** The record's leaf hash (db/audit-format.ts). */
  hash: string;
}
export interface AuditBatchesTable {
  chain: string;
  batch: number;
  first_seq: number;
  last_seq: number;
  root: string;
  prev_head: string;
  head: string;
  sealed_at: Timestamp;
  key_id: string;
  signature: string;
}
export interface StaffUserMunicipalitiesTable {
  user_id: string;
  municipality_id: string;
}
export interface ServicesTable {
  municipality_id: string;
  code: string;
  name: string;
  office_id: string;
  created_at: CreatedAt;
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
  location: ColumnType<CaseLocation | null, string | null | undefined, string | null>;
  /** The registry's record of the citizen (null: the case carries no identifier). */
  citizen_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the citizen's data was removed from the case (erasure or retention, migration 2026_12_06_1620). */
  anonymised_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
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
export interface ArticlesTable {
  id: string;
  municipality_id: string;
  service_code: string | null;
  current_version: number;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export interface ArticleVersionsTable {
  article_id: string;
  version: number;
  title: string;
  audience: string | null;
  place: string | null;
  hours: string | null;
  procedure: string | null;
  body: string;
  links: Json<{ label: string; url: string }[]>;
  /** Calendar dates, `YYYY-MM-DD`. */
  valid_from: string;
  valid_to: string | null;
  author: string;
  created_at: CreatedAt;
  /** Generated by the database from the text columns. */
  search: ColumnType<string | null, never, never>;
}
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  resource_id: string;
  created_at: CreatedAt;
}
export type MessageChannel = 'sms' | 'email' | 'io' | 'letter';
export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed' | 'cancelled';
export interface OutboundMessagesTable {
  id: Generated<number>;
  /** Null for messages that belong to no case (an abandoned caller's callback fallback). */
  case_id: string | null;
  municipality_id: string | null;
  dedup_key: string;
  channel: MessageChannel;
  /** A phone number (sms), an e-mail address, a fiscal code (io) or a postal address (letter). */
  recipient: string;
  /** The template's event, when a template worded it. */
  event: string | null;
  language: Generated<string>;
  subject: string | null;
  body: string;
  status: ColumnType<MessageStatus, MessageStatus | undefined, MessageStatus>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Until when the dispatcher that claimed it owns it; past it, another may take it again. */
  claimed_until: Timestamp | null;
  provider_message_id: string | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
  failed_at: Timestamp | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  fallback_of: number | null;
  created_at: CreatedAt;
}
/** The print queue: a letter per outbound message of the `letter` channel, until it is posted. */
export interface LettersTable {
  id: string;
  message_id: number;
  case_id: string | null;
  municipality_id: string;
  recipient_name: string | null;
  address: string;
  subject: string | null;
  status: ColumnType<'to-print' | 'posted', 'to-print' | 'posted' | undefined, 'to-print' | 'posted'>;
  pdf: Buffer;
  created_at: CreatedAt;
  posted_at: Timestamp | null;
  posted_by: string | null;
}
export interface AttachmentsTable {
  id: string;
  /** Null until the file is linked to a case (an upload before the case exists). */
  case_id: string | null;
  municipality_id: string;
  source: 'email' | 'open311' | 'citizen-page' | 'staff';
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  content: Buffer;
  created_at: CreatedAt;
}
/** The photo link an Open311 app sent with a request (`media_url`). */
export interface Open311MediaTable {
  case_id: string;
  media_url: string;
  created_at: CreatedAt;
}
/** A mailbox the mail intake reads over IMAP (migration 2026_12_02_1020); its password is configuration. */
export interface MailboxesTable {
  id: string;
  name: string;
  /** The first is where new mail opens cases; replies are matched on all of them. */
  municipality_ids: string[];
  /** The service new mail opens on; null: general-information. */
  triage_service: string | null;
  host: string;
  port: number;
  tls: Generated<boolean>;
  username: string;
  folder: Generated<string>;
  enabled: Generated<boolean>;
  uidvalidity: number | null;
  last_uid: Generated<number>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}
export type InboundMailOutcome = 'case' | 'reply' | 'ignored' | 'bounce' | 'rejected';
export interface InboundMailsTable {
  id: Generated<number>;
  mailbox_id: string;
  message_id: string;
  outcome: InboundMailOutcome;
  case_id: string | null;
  /** Why it was ignored, bounced or rejected (no personal data). */
  reason: string | null;
  refused_attachments: Generated<number>;
  received_at: CreatedAt;
}
/** A citizen's link to their page of a case (migration 1030): the token itself is never stored. */
export interface CitizenLinksTable {
  id: string;
  case_id: string;
  nonce: string;
  token_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  revoked_by: string | null;
  expires_at: Date | null;
}
/** The citizens registry (migrations/2026_12_02_1410_citizens.ts): one record per person and municipality. */
export interface CitizensTable {
  id: string;
  municipality_id: string;
  name: string | null;
  name_key: string | null;
  /** E.164. */
  phones: string[];
  /** Lower-cased. */
  emails: string[];
  fiscal_code: string | null;
  /** Postal address for letters, as the newest case that gave one wrote it (migration 2026_12_03_1520). */
  address: ColumnType<string | null, string | null | undefined, string | null>;
  merged_into: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** When the person was erased: the record keeps only its id (migration 2026_12_06_1620). */
  erased_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
/** What a merge moved from the record merged away (source) to the one kept (target), for the undo. */
export interface CitizenMergeMoved {
  cases: string[];
  calls: string[];
  /** The identifiers the target gained, and the name it took if it had none. */
  phones: string[];
  emails: string[];
  fiscalCode: string | null;
  name: string | null;
}
export interface CitizenMergesTable {
  id: string;
  municipality_id: string;
  target_id: string;
  source_id: string;
  moved: Json<CitizenMergeMoved>;
  merged_by: string;
  merged_at: CreatedAt;
  undone_by: string | null;
  undone_at: Timestamp | null;
}
export interface CallsTable {
  id: string;
  citizen_id: ColumnType<string | null, string | null | undefined, string | null>;
  linked_call_id: string | null;
  direction: 'inbound' | 'outbound';
  caller: string;
  called: string;
  municipality_id: string | null;
  /** The type of the latest event. */
  state: CallEventType;
  queue: string | null;
  agent: string | null;
  ivr_choice: string | null;
  end_cause: EndCause | null;
  wait_seconds: number | null;
  started_at: Timestamp;
  connected_at: Timestamp | null;
  ended_at: Timestamp | null;
  last_seq: number;
  /** The last event the ingestion acted on. */
  ingested_seq: Generated<number>;
}
export interface CallEventsTable {
  call_id: string;
  seq: number;
  type: CallEventType;
  at: Timestamp;
  /** The whole event as validated by CallEventSchema. */
  data: Json<CallEvent>;
  recorded_at: CreatedAt;
}
/** Hourly rollups of calls and cases, kept by triggers (migrations/2026_11_25_1600_kpi_rollups.ts). */
export interface KpiCallHoursTable {
  hour: Timestamp;
  municipality_id: string;
  queue: string;
  offered: number;
  answered: number;
  abandoned: number;
  transferred: number;
  /** numeric: exact sums of seconds. */
  answer_wait_sum: string;
  talked: number;
  talk_sum: string;
  answered_within: number[];
  abandoned_under: number[];
}
export interface KpiCaseHoursTable {
  hour: Timestamp;
  municipality_id: string;
  service_code: string;
  channel: string;
  office_id: string;
  opened: number;
  resolved: number;
  closed: number;
  closed_first_level: number;
}
export interface KpiCaseEventHoursTable {
  hour: Timestamp;
  municipality_id: string;
  service_code: string;
  channel: string;
  office_id: string;
  tasks_done: number;
  tasks_on_time: number;
  breaches: number;
  solicitations: number;
  complaints: number;
  callbacks_attempted: number;
  callbacks_answered: number;
  survey_answers: number;
  satisfied: number;
}
/** The same per local day (Europe/Rome), kept from the hourly rows. */
type DayRollup<T> = Omit<T, 'hour'> & { day: string };

export interface LinesTable {
  id: string;
  municipality_id: string;
  calendar_id: string;
  numbers: ColumnType<string[], string[], string[]>;
  /** The line's LineConfigSchema document. */
  config: Json<LineConfig>;
  cti_token_hash: string | null;
  created_at: CreatedAt;
}

/** The last case number given per year (migrations/2026_12_02_1300_case_number_counters.ts). */
export interface CaseNumberCountersTable {
  year: number;
  last: number;
}

/** A municipality's own wording of a message (migrations/2026_12_03_1500_message_templates.ts). */
export interface MessageTemplatesTable {
  municipality_id: string;
  event: string;
  language: string;
  subject: string | null;
  body: string;
  updated_at: Timestamp;
  updated_by: string;
}

/** One key per workflow for its Temporal payloads (migrations/2026_12_03_1540_payload_keys.ts). */
export interface PayloadKeysTable {
  id: string;
  /** nonce ‖ ciphertext ‖ tag of the key under the master key; null once destroyed. */
  wrapped: Buffer | null;
  master_key_id: string;
  created_at: CreatedAt;
  destroyed_at: Timestamp | null;
}

/** A case whose read-model write failed for good (migrations/2026_12_06_1600_stuck_cases.ts). */
export interface StuckCasesTable {
  id: Generated<number>;
  case_id: string;
  municipality_id: string;
  workflow_id: string;
  /** The activity whose write failed, e.g. `recordCaseEvent`. */
  activity: string;
  /** SQLSTATE (e.g. `22021`), or the failure's type when it was no database refusal. */
  error_code: string;
  /** `PoisonData` (refused for good) or `RetriesExhausted` (kept failing past its bound). */
  error_type: string;
  /** How many times the workflow found the write failed (each after the activity's own retries). */
  attempts: Generated<number>;
  first_seen_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  retry_requested_at: Timestamp | null;
  resolved_at: Timestamp | null;
}

/** A legal hold on a citizen or a case: erasure and retention leave it alone until released (migration 2026_12_06_1620). */
export interface LegalHoldsTable {
  id: string;
  municipality_id: string;
  target_type: 'citizen' | 'case';
  target_id: string;
  reason: string;
  created_by: string;
  created_at: CreatedAt;
  released_by: string | null;
  released_at: Timestamp | null;
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
  audit_batches: AuditBatchesTable;
  services: ServicesTable;
  cases: CasesTable;
  case_number_counters: CaseNumberCountersTable;
  payload_keys: PayloadKeysTable;
  stuck_cases: StuckCasesTable;
  legal_holds: LegalHoldsTable;
  tasks: TasksTable;
  case_events: CaseEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  articles: ArticlesTable;
  article_versions: ArticleVersionsTable;
  outbound_messages: OutboundMessagesTable;
  attachments: AttachmentsTable;
  letters: LettersTable;
  open311_media: Open311MediaTable;
  mailboxes: MailboxesTable;
  inbound_mails: InboundMailsTable;
  citizen_links: CitizenLinksTable;
  message_templates: MessageTemplatesTable;
  citizens: CitizensTable;
  citizen_merges: CitizenMergesTable;
  calls: CallsTable;
  call_events: CallEventsTable;
  lines: LinesTable;
  kpi_call_hours: KpiCallHoursTable;
  kpi_case_hours: KpiCaseHoursTable;
  kpi_case_event_hours: KpiCaseEventHoursTable;
  kpi_call_days: DayRollup<KpiCallHoursTable> & { offered_by_hour: number[] };
  kpi_case_days: DayRollup<KpiCaseHoursTable>;
  kpi_case_event_days: DayRollup<KpiCaseEventHoursTable>;
}

/** What a repository function runs on: the pool, or the caller's transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type NewCaseEvent = Insertable<CaseEventsTable>;
