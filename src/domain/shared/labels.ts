import type { ACTION_STATUSES, FINDING_KINDS, FINDING_STATUSES, PORTAL_STATUSES } from '../findings/findings.schemas.ts'
import type { CATEGORIES, INSPECTION_KINDS, MILESTONE_KINDS, SCOPES } from '../inspections/inspections.schemas.ts'
import type { EVIDENCE_KINDS, ONGOING_ACTION_STATUSES, REVIEW_OUTCOMES } from '../progress/progress.schemas.ts'

/**
 * The words a person reads for each code of the register's enums, in the wording of the source
 * documents (001, 002): the workbook export shows these, the summary report names its rows with the
 * categories, and the importer accepts every one back (register-sheets.ts builds its accepted
 * spellings from here). JSON and CSV keep the codes, which scripts rely on.
 */

type Labels<T extends readonly string[]> = Readonly<Record<T[number], string>>

export const FINDING_KIND_LABELS: Labels<typeof FINDING_KINDS> = {
  cause_of_concern: 'Cause of concern',
  recommendation: 'Recommendation',
  area_for_improvement: 'Area for improvement'
}

export const FINDING_STATUS_LABELS: Labels<typeof FINDING_STATUSES> = {
  open: 'Open',
  closure_requested: 'Closure requested',
  closed: 'Closed',
  superseded: 'Superseded'
}

/** The column they sit in says "Portal status", so "Open" reads as open on the portal. */
export const PORTAL_STATUS_LABELS: Labels<typeof PORTAL_STATUSES> = {
  open: 'Open',
  closed: 'Closed',
  not_on_portal: 'Not on portal'
}

export const SCOPE_LABELS: Labels<typeof SCOPES> = {
  force: 'Force-specific',
  national: 'National'
}

/** The rows of 001 section 2.1's table, as it prints them. */
export const CATEGORY_LABELS: Labels<typeof CATEGORIES> = {
  local_peel: 'Local PEEL',
  national_peel: 'National PEEL',
  national_da_peel_thematic: 'National DA PEEL Thematic',
  ncpi: 'National Child Protection Inspection (NCPI)',
  cdi: 'Crime Data Integrity (CDI)',
  other_national_thematic: 'Other national thematic inspections'
}

export const INSPECTION_KIND_LABELS: Labels<typeof INSPECTION_KINDS> = {
  peel: 'PEEL',
  peel_thematic: 'PEEL thematic',
  national_thematic: 'National thematic',
  ncpi: 'National Child Protection Inspection',
  cdi: 'Crime Data Integrity',
  other: 'Other'
}

/** 001 section 4.4's programme. */
export const MILESTONE_KIND_LABELS: Labels<typeof MILESTONE_KINDS> = {
  dates_confirmed: 'Confirmation of dates',
  parm: 'PEEL Assessment and Resourcing Meeting (PARM)',
  evidence_collection: 'Evidence collection',
  report_publication: 'Report publication',
  fieldwork: 'Fieldwork',
  other: 'Other'
}

/** The three outcomes of a review (001 section 3.5). */
export const REVIEW_OUTCOME_LABELS: Labels<typeof REVIEW_OUTCOMES> = {
  request_closure: 'Request closure',
  embed_and_sustain: 'Further work to embed and sustain',
  remedial_action: 'Remedial action required'
}

/** The separate actions the inspectorate lists under a finding. */
export const ACTION_STATUS_LABELS: Labels<typeof ACTION_STATUSES> = {
  open: 'Open',
  done: 'Done'
}

export const ONGOING_ACTION_STATUS_LABELS: Labels<typeof ONGOING_ACTION_STATUSES> = {
  ongoing: 'Ongoing',
  not_started: 'Not started',
  completed: 'Completed'
}

export const EVIDENCE_KIND_LABELS: Labels<typeof EVIDENCE_KINDS> = {
  policy: 'Policy',
  guidance: 'Guidance',
  evaluation: 'Evaluation',
  meeting_record: 'Meeting record',
  report: 'Report',
  training: 'Training',
  data: 'Data',
  other: 'Other'
}
