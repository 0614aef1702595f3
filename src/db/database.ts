import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely'

/** Timestamps are written by the database (`now()`) and read back as Date. */
type CreatedAt = ColumnType<Date, never, never>
type Json = ColumnType<unknown, string | null, never>

export interface ForcesTable {
  code: string
  name: string
  country: 'england' | 'wales'
}

export interface ApiKeysTable {
  id: Generated<string>
  name: string
  role: string
  force_code: string | null
  key_hash: string
  key_prefix: string
  created_by: string | null
  created_at: Generated<Date>
  revoked_at: Date | null
}

export interface AuditLogTable {
  id: Generated<string>
  occurred_at: CreatedAt
  actor_key_id: string | null
  force_code: string | null
  entity_type: string
  entity_id: string
  action: string
  before: Json
  after: Json
  request_id: string | null
}

export interface ReferenceDataTable {
  name: string
  checksum: string
  loaded_at: Generated<Date>
}

export interface FrameworksTable {
  key: string
  title: string
  period: string
  grading_scale: ColumnType<string[], string, string>
  source: string
  notes: ColumnType<string[], string, string>
}

export interface FrameworkQuestionsTable {
  framework_key: string
  ref: string
  parent_ref: string | null
  position: number
  title: string
  graded: boolean
  pillar: string | null
  note: string | null
  criteria: ColumnType<Criterion[], string, string>
}

export interface Criterion {
  kind: 'grade_descriptor' | 'characteristics_of_good'
  grade: string | null
  items: string[]
}

export interface Database {
  frameworks: FrameworksTable
  framework_questions: FrameworkQuestionsTable
  forces: ForcesTable
  api_keys: ApiKeysTable
  audit_log: AuditLogTable
  reference_data: ReferenceDataTable
}

export type Db = Kysely<Database>
/** A repository method takes either the shared handle or the caller's transaction. */
export type Executor = Kysely<Database> | Transaction<Database>

export type ApiKeyRow = Selectable<ApiKeysTable>
export type NewAuditEntry = Insertable<AuditLogTable>
