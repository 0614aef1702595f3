import { Type } from 'typebox'
import { AuditId, CalendarDate, EntityType, ForceCode, PageQuery, RequestId, Timestamp, Uuid, Version } from '../../schemas/common.ts'
import { FreeText, INT32_MAX, MAX_ITEMS, MAX_LENGTH } from '../../schemas/limits.ts'
import { RoleSchema } from '../api-keys/api-keys.schemas.ts'
import { CLOSED_VIA } from '../closure/closure.rules.ts'
import { FrameworkKey, QuestionRef } from '../frameworks/frameworks.schemas.ts'
import { Category } from '../inspections/inspections.schemas.ts'

export const FINDING_KINDS = ['cause_of_concern', 'recommendation', 'area_for_improvement'] as const
export const FINDING_STATUSES = ['open', 'closure_requested', 'closed', 'superseded'] as const
export const PORTAL_STATUSES = ['open', 'closed', 'not_on_portal'] as const
export const ACTION_STATUSES = ['open', 'done'] as const

export const Kind = Type.Enum(FINDING_KINDS)
export const Status = Type.Enum(FINDING_STATUSES, { description: "The finding's state in the force register." })
export const PortalStatus = Type.Enum(PORTAL_STATUSES, { description: "The finding's state on the inspectorate's monitoring portal." })

const text = (max: number, description?: string) => FreeText(max, { minLength: 1, ...(description ? { description } : {}) })
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const QuestionLink = Type.Object(
  { framework: FrameworkKey, ref: QuestionRef },
  { additionalProperties: false, description: 'A framework question the finding relates to.' }
)

export const ActionSchema = Type.Object(
  {
    id: Uuid,
    findingId: Uuid,
    position: Type.Integer({ format: 'int32', minimum: 1, maximum: INT32_MAX, description: 'Its place in the list, from 1.' }),
    text: text(MAX_LENGTH.description),
    status: Type.Enum(ACTION_STATUSES),
    version: Version(),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'FindingAction', description: 'A separate action the inspectorate listed under a finding.' }
)

const REFERENCE_DESCRIPTION =
  "The inspectorate's number (e.g. 547), unique within the force's register. A cause of concern without one gets a stable one of the register's choosing (e.g. CoC-IPA2019-PREVENTION)."

const findingFields = {
  reference: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$',
    maxLength: MAX_LENGTH.reference,
    description: REFERENCE_DESCRIPTION,
    examples: ['547']
  }),
  kind: Kind,
  title: text(MAX_LENGTH.title, 'A short description.'),
  text: text(MAX_LENGTH.text, 'The text as published.'),
  scope: Type.Enum(['force', 'national'], { description: 'national: made to all forces.' }),
  inspectionId: Type.Union([Uuid, Type.Null()], { description: 'The inspection it came from.' }),
  parentId: Type.Union([Uuid, Type.Null()], { description: "A recommendation's cause of concern." }),
  questions: Type.Array(QuestionLink, { maxItems: MAX_ITEMS.questionLinks }),
  deadlineText: Type.Union([text(MAX_LENGTH.name), Type.Null()], { description: "The deadline as published, e.g. 'Within three months', 'By October 2018'." }),
  dueDate: Type.Union([CalendarDate, Type.Null()], {
    description: 'The date the deadline resolves to. Left out on create, it is worked out from deadlineText where it can be.'
  }),
  forceLead: nullable(text(MAX_LENGTH.name)),
  deliveryLead: nullable(text(MAX_LENGTH.name)),
  governanceGroupId: Type.Union([Uuid, Type.Null()]),
  status: Status,
  statusNote: nullable(text(MAX_LENGTH.note)),
  portalStatus: PortalStatus,
  portalNote: Type.Union([text(MAX_LENGTH.note), Type.Null()], { description: 'Why the portal disagrees with the register, where it does.' }),
  supersededById: Type.Union([Uuid, Type.Null()], { description: 'The finding that replaced this one; set exactly when status is superseded.' })
}

/**
 * A finding's reference and title as stored: an import takes references as spreadsheets write them
 * and titles up to MAX_LENGTH.importedTitle (register-document.ts), beyond what the API takes.
 */
export const StoredReference = (description = REFERENCE_DESCRIPTION) => FreeText(MAX_LENGTH.reference, { minLength: 1, description, examples: ['547'] })
export const StoredTitle = (description = 'A short description.') => text(MAX_LENGTH.importedTitle, description)

const findingView = {
  id: Uuid,
  force: ForceCode,
  ...findingFields,
  reference: StoredReference(),
  title: StoredTitle(),
  dueDateResolved: Type.Boolean({ description: 'true when dueDate was worked out from deadlineText.' }),
  overdue: Type.Boolean({ description: 'Open (or awaiting closure) and past its due date today.' }),
  closedVia: Type.Union([Type.Enum(CLOSED_VIA), Type.Null()], {
    description:
      'How a closed finding was closed: closure_request (its closure request reached closed or awaiting sign-off), import (a closure made before the ' +
      'register was kept here, brought in by an import), legacy (closed by a direct write before the workflow became the only way to close). null unless status is closed.'
  }),
  version: Version("Bumped by every change to the finding's own fields; the ETag is this number in quotes."),
  createdAt: Timestamp,
  updatedAt: Timestamp
}

export const FindingSchema = Type.Object(findingView, { $id: 'Finding', description: 'A row of the register.' })

export const FindingDetailSchema = Type.Object(
  { ...findingView, actions: Type.Array(Type.Object(ActionSchema.properties), { description: 'Every action, in order: as many as were added.' }) },
  { $id: 'FindingDetail', description: 'A finding with its separate actions.' }
)

export const CreateFindingBody = Type.Object(
  {
    force: Type.Optional(ForceCode),
    reference: findingFields.reference,
    kind: findingFields.kind,
    title: findingFields.title,
    text: findingFields.text,
    scope: Type.Optional(Type.Enum(['force', 'national'], { default: 'force' })),
    inspectionId: Type.Optional(findingFields.inspectionId),
    parentId: Type.Optional(findingFields.parentId),
    questions: Type.Optional(findingFields.questions),
    deadlineText: Type.Optional(findingFields.deadlineText),
    dueDate: Type.Optional(findingFields.dueDate),
    forceLead: Type.Optional(findingFields.forceLead),
    deliveryLead: Type.Optional(findingFields.deliveryLead),
    governanceGroupId: Type.Optional(findingFields.governanceGroupId),
    status: Type.Optional(
      Type.Enum(FINDING_STATUSES, {
        default: 'open',
        description: 'open or superseded: closure_requested and closed are reached only through a closure request (or, for a historic closure, an import), and are refused here.'
      })
    ),
    statusNote: Type.Optional(findingFields.statusNote),
    portalStatus: Type.Optional(Type.Enum(PORTAL_STATUSES, { default: 'open' })),
    portalNote: Type.Optional(findingFields.portalNote),
    supersededById: Type.Optional(findingFields.supersededById),
    actions: Type.Optional(
      Type.Array(Type.Object({ text: text(MAX_LENGTH.description), status: Type.Optional(Type.Enum(ACTION_STATUSES)) }, { additionalProperties: false }), {
        maxItems: MAX_ITEMS.actionsOnCreate
      })
    )
  },
  {
    additionalProperties: false,
    examples: [
      {
        force: 'cleveland',
        reference: 'AFI-2022-01',
        kind: 'area_for_improvement',
        title: 'Answer non-emergency calls more quickly',
        text: 'The force should make sure it answers non-emergency (101) calls for service within its agreed time frames, and reduces the number of callers who abandon their call.',
        questions: [{ framework: 'peel-2021', ref: '1.1' }],
        deadlineText: 'By March 2023',
        forceLead: 'Assistant Chief Constable (Operations)',
        deliveryLead: 'Head of the Force Control Room',
        actions: [{ text: 'Review control room staffing against hourly demand' }, { text: 'Publish 101 answer times monthly to the board' }]
      }
    ]
  }
)

export const UpdateFindingBody = Type.Object(
  {
    reference: Type.Optional(findingFields.reference),
    kind: Type.Optional(findingFields.kind),
    title: Type.Optional(findingFields.title),
    text: Type.Optional(findingFields.text),
    scope: Type.Optional(findingFields.scope),
    inspectionId: Type.Optional(findingFields.inspectionId),
    parentId: Type.Optional(findingFields.parentId),
    questions: Type.Optional(findingFields.questions),
    deadlineText: Type.Optional(findingFields.deadlineText),
    dueDate: Type.Optional(findingFields.dueDate),
    forceLead: Type.Optional(findingFields.forceLead),
    deliveryLead: Type.Optional(findingFields.deliveryLead),
    governanceGroupId: Type.Optional(findingFields.governanceGroupId),
    status: Type.Optional({
      ...findingFields.status,
      description: 'open or superseded (closed back to open reopens it): closure_requested and closed are reached only through a closure request, and are refused here.'
    }),
    statusNote: Type.Optional(findingFields.statusNote),
    portalStatus: Type.Optional(findingFields.portalStatus),
    portalNote: Type.Optional(findingFields.portalNote),
    supersededById: Type.Optional(findingFields.supersededById)
  },
  { additionalProperties: false, minProperties: 1, examples: [{ deliveryLead: 'Superintendent, Force Control Room', dueDate: '2023-06-30' }] }
)

export const FINDING_SORTS = ['reference', '-reference', 'dueDate', '-dueDate', 'updatedAt', '-updatedAt', 'createdAt', '-createdAt'] as const

const many = <T extends readonly string[]>(values: T, description: string) =>
  Type.Optional(Type.Array(Type.Enum(values), { maxItems: values.length, description: `${description} Repeat the parameter for several.` }))

export const FindingListQuery = Type.Object(
  {
    ...PageQuery.properties,
    force: Type.Optional(ForceCode),
    reference: Type.Optional(text(MAX_LENGTH.reference, 'The finding with this reference.')),
    kind: many(FINDING_KINDS, 'Only these kinds.'),
    status: many(FINDING_STATUSES, 'Only these register states.'),
    portalStatus: many(PORTAL_STATUSES, 'Only these portal states.'),
    scope: Type.Optional(Type.Enum(['force', 'national'])),
    inspectionId: Type.Optional(Uuid),
    category: Type.Optional(Category),
    question: Type.Optional(
      Type.String({
        pattern: '^peel-[0-9]{4}:[0-9]+(\\.[0-9]+)*$',
        maxLength: MAX_LENGTH.frameworkKey + 1 + MAX_LENGTH.questionRef,
        description: 'Only findings related to this framework question, as framework:ref (e.g. peel-2018:2).'
      })
    ),
    lead: Type.Optional(text(MAX_LENGTH.name, 'Force lead or delivery lead (exact, any case).')),
    forceLead: Type.Optional(text(MAX_LENGTH.name, 'Force lead (exact, any case).')),
    deliveryLead: Type.Optional(text(MAX_LENGTH.name, 'Delivery lead (exact, any case).')),
    governanceGroupId: Type.Optional(Uuid),
    parentId: Type.Optional(Uuid),
    discrepancy: Type.Optional(
      Type.Boolean({
        description:
          'true: findings whose register and portal states disagree (closed or superseded here but open on the portal, open here but closed there) or that are not on the portal.'
      })
    ),
    topLevel: Type.Optional(Type.Boolean({ description: 'true: only findings without a parent.' })),
    overdue: Type.Optional(Type.Boolean({ description: 'true: open or awaiting closure and due before asOf.' })),
    asOf: Type.Optional(Type.String({ format: 'date', maxLength: MAX_LENGTH.date, description: 'The day overdue is judged on (today by default).' })),
    dueBefore: Type.Optional(CalendarDate),
    dueAfter: Type.Optional(CalendarDate),
    q: Type.Optional(text(MAX_LENGTH.shortText, 'Full-text search over reference, title and text; with no sort, best match first.')),
    sort: Type.Optional(Type.Enum(FINDING_SORTS, { description: 'reference (default), dueDate (undated last), updatedAt or createdAt; - for descending.' })),
    format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: the same page as CSV (or send Accept: text/csv).' }))
  },
  { additionalProperties: false }
)

export const HistoryEntrySchema = Type.Object(
  {
    id: AuditId('The audit entry, increasing over time.'),
    at: Timestamp,
    action: Type.String({ pattern: '^[a-z_]+(:[a-z_]+)*$', maxLength: MAX_LENGTH.eventType, examples: ['create', 'update', 'closure:closed'] }),
    entityType: EntityType(),
    entityId: Uuid,
    actor: Type.Union([Type.Object({ keyId: Uuid, name: text(MAX_LENGTH.name), role: RoleSchema }), Type.Null()], {
      description: 'The API key that made the change; null for the service itself.'
    }),
    requestId: Type.Union([RequestId(), Type.Null()], { description: 'The request that made the change; for the command line, cli:<command>:<uuid>.' }),
    before: Type.Unknown({ description: 'The record before the change (null for a creation).' }),
    after: Type.Unknown({ description: 'The record after the change (null for a removal).' })
  },
  { $id: 'HistoryEntry', description: 'One change to a finding or to something of it, from the audit log.' }
)

export const CreateActionBody = Type.Object(
  { text: text(MAX_LENGTH.description), status: Type.Optional(Type.Enum(ACTION_STATUSES, { default: 'open' })) },
  { additionalProperties: false, examples: [{ text: 'Train control room supervisors in the revised THRIVE risk assessment' }] }
)
export const UpdateActionBody = Type.Object(
  { text: Type.Optional(text(MAX_LENGTH.description)), status: Type.Optional(Type.Enum(ACTION_STATUSES)) },
  { additionalProperties: false, minProperties: 1, examples: [{ status: 'done' }] }
)
