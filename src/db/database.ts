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

export type AssessmentValue =
  | 'outstanding'
  | 'good'
  | 'adequate'
  | 'requires_improvement'
  | 'inadequate'
  | 'not_applicable'
  | 'ungraded'
  | 'not_inspected'

export interface GradingsTable {
  framework_key: string
  force_code: string
  question_ref: string
  position: number
  area: string
  force_name_as_printed: string
  value: AssessmentValue
}

export interface PracticeAreasTable {
  framework_key: string
  question_ref: string
  position: number
  area: string
  summary: string
  stated_innovative_count: number | null
}

export interface PracticeExamplesTable {
  id: string
  framework_key: string
  position: number
  question_ref: string
  area: string
  force_code: string | null
  grade_as_printed: string | null
  grade: string | null
  innovative: boolean | null
  objective: string | null
  detail: string | null
  outcome: string | null
  search: ColumnType<string, never, never>
}

export interface CrosswalkLinksTable {
  from_framework: string
  from_ref: string
  to_framework: string
  to_ref: string
  relation: 'same' | 'broader' | 'narrower' | 'overlaps'
  rationale: string
}

export interface CrosswalkUnmatchedTable {
  framework_key: string
  ref: string
  reason: string
}

export interface Database {
  crosswalk_unmatched: CrosswalkUnmatchedTable
  gradings: GradingsTable
  practice_areas: PracticeAreasTable
  practice_examples: PracticeExamplesTable
  crosswalk_links: CrosswalkLinksTable
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
