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
  /** The key whose holder saw this key's current secret when it was issued; null for the operator's (command line, first start). */
  secret_seen_by: string | null
  created_at: Generated<Date>
  revoked_at: Date | null
  expires_at: Date | null
  rotated_at: Date | null
}

/** Requests counted in one fixed window of one bucket (a key, an address ...), for rate limits. */
export interface RateLimitCountersTable {
  bucket: string
  window_start: Date
  expires_at: Date
  hits: number
}

export interface AuditLogTable {
  id: Generated<string>
  occurred_at: CreatedAt
  actor_key_id: string | null
  force_code: string | null
  entity_type: string
  entity_id: string
  root_id: string
  action: string
  before: Json
  after: Json
  request_id: string | null
  /** The writing transaction's id (xid8, read as text): the change feed's commit-safe order. */
  txid: Generated<string>
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

// Set by the database on insert, unless an import carries the original time.
type Stamp = ColumnType<Date, Date | undefined, Date>

export interface GovernanceGroupsTable {
  id: Generated<string>
  force_code: string
  name: string
  chair: string | null
  meeting_frequency: string | null
  version: ColumnType<number, never, number>
  created_at: Stamp
  updated_at: Stamp
}

export interface Milestone {
  kind: string
  title: string
  date: string | null
  dateText: string | null
  note: string | null
}

export interface InspectionsTable {
  id: Generated<string>
  force_code: string
  key: string
  title: string
  label: string | null
  kind: string
  category: string
  scope: string
  year: number | null
  started_on: ColumnType<string | null, string | null, string | null>
  ended_on: ColumnType<string | null, string | null, string | null>
  published_on: ColumnType<string | null, string | null, string | null>
  framework_key: string | null
  milestones: ColumnType<Milestone[], string, string>
  version: ColumnType<number, never, number>
  created_at: Stamp
  updated_at: Stamp
}

/** How a finding came to be closed: by its closure request, by an import of a historic closure, or before the workflow was enforced. */
export type ClosedVia = 'closure_request' | 'import' | 'legacy'

export interface FindingsTable {
  id: Generated<string>
  force_code: string
  reference: string
  kind: string
  title: string
  text: string
  scope: string
  inspection_id: string | null
  parent_id: string | null
  deadline_text: string | null
  due_date: ColumnType<string | null, string | null, string | null>
  due_date_resolved: Generated<boolean>
  force_lead: string | null
  delivery_lead: string | null
  governance_group_id: string | null
  status: string
  status_note: string | null
  portal_status: string
  portal_note: string | null
  superseded_by_id: string | null
  /** How a closed finding came to be closed; null exactly when it is not closed (a check constraint). */
  closed_via: Generated<ClosedVia | null>
  version: ColumnType<number, never, number>
  created_at: Stamp
  updated_at: Stamp
  search: ColumnType<string, never, never>
}

export interface FindingQuestionsTable {
  finding_id: string
  framework_key: string
  question_ref: string
}

export interface FindingActionsTable {
  id: Generated<string>
  finding_id: string
  position: number
  text: string
  status: string
  version: ColumnType<number, never, number>
  created_at: Stamp
  updated_at: Stamp
}

export interface IdempotencyKeysTable {
  api_key_id: string
  key: string
  operation: string
  request_hash: string
  response_status: number | null
  response_body: ColumnType<unknown, string | null, string | null>
  created_at: Stamp
}

export interface Evidence {
  title: string
  kind: string
  location: string | null
  date: string | null
}

export interface ProgressUpdatesTable {
  id: Generated<string>
  finding_id: string
  position: string
  activities: string
  impact: string | null
  evidence: ColumnType<Evidence[], string, never>
  author_key_id: string | null
  /** Written by an import, from a register kept elsewhere: on record, but not made here. */
  imported: Generated<boolean>
  created_at: Stamp
}

export interface OngoingActionsTable {
  id: Generated<string>
  finding_id: string
  update_id: string
  description: string
  anticipated_impact: string | null
  expected_completion: ColumnType<string | null, string | null, string | null>
  status: string
  version: ColumnType<number, never, number>
  created_at: Stamp
  updated_at: Stamp
}

export interface OngoingActionDatesTable {
  id: Generated<string>
  action_id: string
  expected_completion: ColumnType<string | null, string | null, never>
  reason: string | null
  changed_by: string | null
  changed_at: Stamp
}

export interface ReviewsTable {
  id: Generated<string>
  finding_id: string
  outcome: string
  rationale: string
  governance_group_id: string | null
  reviewer_key_id: string | null
  /** Written by an import: a record of a decision made elsewhere, never the board's decision here. */
  imported: Generated<boolean>
  created_at: Stamp
}

export interface ClosureRequestsTable {
  id: Generated<string>
  finding_id: string
  force_code: string
  status: string
  summary: string
  evidence: ColumnType<unknown, string, never>
  review_id: string | null
  created_by: string | null
  submitted_by: string | null
  version: ColumnType<number, never, number>
  created_at: Stamp
  updated_at: Stamp
}

export interface ClosureTransitionsTable {
  id: Generated<string>
  request_id: string
  action: string
  from_status: string | null
  to_status: string
  note: string | null
  actor_key_id: string | null
  at: Stamp
}

export interface WebhooksTable {
  id: Generated<string>
  force_code: string
  url: string
  description: string | null
  event_types: string[]
  secret: string
  active: Generated<boolean>
  created_by: string | null
  version: Generated<number>
  created_at: CreatedAt
  updated_at: Stamp
}

export interface WebhookDispatchTable {
  id: number
  txid: string
  event_id: number
}

export interface WebhookDeliveriesTable {
  id: Generated<string>
  webhook_id: string
  event_id: number
  event_type: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: Generated<number>
  next_attempt_at: Date | null
  locked_until: Date | null
  created_at: CreatedAt
  updated_at: Stamp
}

export interface WebhookAttemptsTable {
  id: Generated<number>
  delivery_id: string
  attempted_at: Date
  duration_ms: number
  response_status: number | null
  response_body: string | null
  error: string | null
  succeeded: boolean
}

export interface FindingCountsTable {
  force_code: string
  /** The finding's inspection's category; '' for a finding with no inspection. */
  category: string
  kind: string
  open: number
  open_not_on_portal: number
  on_portal: number
}

export interface Database {
  rate_limit_counters: RateLimitCountersTable
  finding_counts: FindingCountsTable
  webhooks: WebhooksTable
  webhook_dispatch: WebhookDispatchTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_attempts: WebhookAttemptsTable
  progress_updates: ProgressUpdatesTable
  ongoing_actions: OngoingActionsTable
  ongoing_action_dates: OngoingActionDatesTable
  reviews: ReviewsTable
  closure_requests: ClosureRequestsTable
  closure_transitions: ClosureTransitionsTable
  governance_groups: GovernanceGroupsTable
  inspections: InspectionsTable
  findings: FindingsTable
  finding_questions: FindingQuestionsTable
  finding_actions: FindingActionsTable
  idempotency_keys: IdempotencyKeysTable
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
