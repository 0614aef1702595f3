import { type TSchema, Type } from 'typebox'
import { CalendarDate, ForceCode, Timestamp, Uuid, Version, ref } from '../../schemas/common.ts'
import { Count, Days, FreeText, MAX_DAYS, MAX_ITEMS, MAX_LENGTH, REFERENCE } from '../../schemas/limits.ts'
import { FINDING_KINDS, Kind, PortalStatus, Status, StoredReference, StoredTitle } from '../findings/findings.schemas.ts'
import { FrameworkKey, Grade, Period, QuestionRef } from '../frameworks/frameworks.schemas.ts'
import { Assessment } from '../gradings/gradings.schemas.ts'
import { GovernanceGroupSchema } from '../governance-groups/governance-groups.schemas.ts'
import { CATEGORIES, Category } from '../inspections/inspections.schemas.ts'
import { EVIDENCE_KINDS, REVIEW_OUTCOMES } from '../progress/progress.schemas.ts'

/**
 * The reports are read models: each schema here answers one report and nothing else, so they stay
 * inline in the contract rather than being named components.
 */

const nullable = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {})
const text = (max: number, description?: string) => FreeText(max, { minLength: 1, ...(description ? { description } : {}) })
/** Days past a date: at least one, or it would not be overdue. */
const daysOverdue = (description: string) => Type.Integer({ format: 'int32', minimum: 1, maximum: MAX_DAYS, description })
const day = (description: string) => Type.String({ format: 'date', maxLength: MAX_LENGTH.date, description })

/** A force key reports on its own force (naming another is 403); a national key must name one. */
const force = Type.Optional(ForceCode)
const asOf = Type.Optional(day('The day the report is judged on, YYYY-MM-DD (today, UTC, by default): due before it is overdue.'))
const format = Type.Optional(Type.Enum(['json', 'csv'], { description: 'csv: the report as CSV (or send Accept: text/csv).' }))

export const SummaryQuery = Type.Object({ force, format }, { additionalProperties: false })
export const OverdueQuery = Type.Object({ force, asOf, format }, { additionalProperties: false })
export const ByLeadQuery = Type.Object(
  {
    force,
    asOf,
    lead: Type.Optional(Type.Enum(['force', 'delivery'], { default: 'force', description: 'Group by the force lead (default) or the delivery lead.' })),
    format
  },
  { additionalProperties: false }
)
export const ByGroupQuery = Type.Object({ force, asOf, format }, { additionalProperties: false })
export const BoardPackQuery = Type.Object(
  {
    asOf,
    since: Type.Optional(
      day("Report date slips made on or after this day (YYYY-MM-DD). By default, the day of the group's last meeting: its latest recorded review.")
    )
  },
  { additionalProperties: false }
)
export const GapQuery = Type.Object({ force }, { additionalProperties: false })

// ---- summary (001 section 2.1)

const KindCount = Type.Object(
  {
    total: Count('Open in the register (open or closure requested).'),
    notOnPortal: Count("Of those, how many are not open on the inspectorate's portal: never on it, or closed there (001's figures in brackets, note 2).")
  },
  { additionalProperties: false }
)
const KindCounts = {
  causesOfConcern: KindCount,
  recommendations: KindCount,
  areasForImprovement: KindCount
}

const DiscrepancySchema = Type.Object({
  id: Uuid,
  reference: StoredReference(),
  kind: Kind,
  category: nullable(Category, 'null when the finding has no inspection.'),
  title: StoredTitle(),
  status: Status,
  portalStatus: PortalStatus,
  portalNote: nullable(text(MAX_LENGTH.note), 'Why the portal disagrees, as the register recorded it.')
})

export const SummarySchema = Type.Object(
  {
    force: ForceCode,
    generatedAt: Timestamp,
    rows: Type.Array(
      Type.Object({
        category: Category,
        label: text(MAX_LENGTH.label, 'The row as 001 prints it.'),
        ...KindCounts
      }),
      { maxItems: CATEGORIES.length, description: "One row per inspection category, always all six, in 001's order." }
    ),
    uncategorised: Type.Object(KindCounts, { description: 'Open findings with no inspection recorded, so that the rows add up to the register total.' }),
    register: Type.Object(
      { label: FreeText(MAX_LENGTH.label, { examples: ['Total on Force register'] }), ...KindCounts },
      { description: 'Every open finding of the register: the rows plus uncategorised.' }
    ),
    portal: Type.Object(
      {
        label: FreeText(MAX_LENGTH.label, { examples: ['Total on HMIC monitoring portal'] }),
        causesOfConcern: Count(),
        recommendations: Count(),
        areasForImprovement: Count()
      },
      {
        description:
          "Findings open on the inspectorate's portal, whatever the register says (001 note 3: closed by the FLL, awaiting central sign-off). " +
          'register.total − register.notOnPortal + discrepancies.portalOnly = portal, kind by kind.'
      }
    ),
    discrepancies: Type.Object(
      {
        registerOnly: Type.Array(DiscrepancySchema, { description: 'Open in the register, not on the portal at all.' }),
        portalOnly: Type.Array(DiscrepancySchema, { description: 'Open on the portal, closed or superseded in the register.' }),
        closedOnPortalOnly: Type.Array(DiscrepancySchema, { description: 'Open in the register, closed on the portal (001 note 2: "closed in error on the portal").' })
      },
      { description: 'Where the register and the portal disagree, each list by reference.' }
    )
  },
  { description: "The audit committee's summary table (001 section 2.1), counted from the register as it stands." }
)

// ---- overdue

const GroupRef = nullable(Type.Object({ id: Uuid, name: text(MAX_LENGTH.name) }), 'The governance group monitoring the finding, if any.')

const leads = {
  forceLead: nullable(text(MAX_LENGTH.name)),
  deliveryLead: nullable(text(MAX_LENGTH.name)),
  governanceGroup: GroupRef
}

const OverdueFindingSchema = Type.Object({
  id: Uuid,
  reference: StoredReference(),
  kind: Kind,
  title: StoredTitle(),
  status: Type.Enum(['open', 'closure_requested']),
  category: nullable(Category),
  deadlineText: nullable(text(MAX_LENGTH.name)),
  dueDate: CalendarDate,
  daysOverdue: daysOverdue('asOf minus dueDate, in days.'),
  ...leads
})

const OverdueActionSchema = Type.Object({
  id: Uuid,
  findingId: Uuid,
  reference: StoredReference("The finding's reference."),
  findingKind: Type.Enum(FINDING_KINDS, { description: "The finding's kind." }),
  findingTitle: StoredTitle("The finding's title."),
  category: nullable(Category, "The category of the finding's inspection; null when it has none."),
  description: text(MAX_LENGTH.description),
  status: Type.Enum(['ongoing', 'not_started']),
  expectedCompletion: CalendarDate,
  daysOverdue: daysOverdue('asOf minus expectedCompletion, in days.'),
  ...leads
})

const overdueLists = {
  findings: Type.Array(OverdueFindingSchema, {
    description: 'Open findings (open or closure requested) due before asOf, most overdue first, then by reference: the same findings as GET /v1/findings?overdue=true&asOf=.'
  }),
  ongoingActions: Type.Array(OverdueActionSchema, {
    description: 'Ongoing actions not completed and expected before asOf, of open findings, most overdue first, then by reference.'
  })
}

export const OverdueSchema = Type.Object(
  { force: ForceCode, asOf: CalendarDate, generatedAt: Timestamp, ...overdueLists },
  { description: 'What is overdue on asOf: findings past their due date and ongoing actions past their expected completion.' }
)

// ---- by lead, by group

const rowCounts = {
  open: Count('Open findings (open or closure requested).'),
  closureRequested: Count('Of those, how many have a closure request under way.'),
  overdue: Count('Of those, how many are due before asOf.'),
  ongoingActionsOverdue: Count('Ongoing actions of those findings not completed and expected before asOf.'),
  nextDueDate: nullable(CalendarDate, 'The earliest due date on or after asOf among those findings.'),
  causesOfConcern: Count('Open causes of concern.'),
  recommendations: Count('Open recommendations.'),
  areasForImprovement: Count('Open areas for improvement.')
}

export const ByLeadSchema = Type.Object(
  {
    force: ForceCode,
    asOf: CalendarDate,
    lead: Type.Enum(['force', 'delivery']),
    generatedAt: Timestamp,
    rows: Type.Array(
      Type.Object({
        lead: nullable(
          text(MAX_LENGTH.name),
          'The lead as the register spells it most often (names are grouped whatever their case); null for open findings with no lead.'
        ),
        ...rowCounts
      }),
      { description: 'One row per lead with open findings, by name, then the row of findings without one.' }
    )
  },
  { description: 'Open findings per force lead or delivery lead.' }
)

export const ByGroupSchema = Type.Object(
  {
    force: ForceCode,
    asOf: CalendarDate,
    generatedAt: Timestamp,
    rows: Type.Array(Type.Object({ governanceGroup: GroupRef, ...rowCounts }), {
      description: "One row per governance group of the force (with zeros where it monitors nothing open), by name, then the row of findings with no group."
    })
  },
  { description: 'Open findings per governance group.' }
)

// ---- board pack

export const BoardPackSchema = Type.Object(
  {
    group: ref(GovernanceGroupSchema),
    asOf: CalendarDate,
    since: nullable(CalendarDate, 'The day slippage is reported from: the `since` asked for, else lastMeeting; null reports every slip.'),
    lastMeeting: nullable(CalendarDate, 'The day of the latest review the group recorded (UTC); null when it has recorded none.'),
    generatedAt: Timestamp,
    dueForReview: Type.Array(
      Type.Object({
        id: Uuid,
        reference: StoredReference(),
        kind: Kind,
        title: StoredTitle(),
        status: Status,
        latestUpdate: Type.Object({ id: Uuid, position: text(MAX_LENGTH.text), date: CalendarDate }),
        latestReview: nullable(
          Type.Object({ id: Uuid, outcome: Type.Enum(REVIEW_OUTCOMES), date: CalendarDate }),
          'Its latest review by any group; null when it has never been reviewed.'
        )
      }),
      { description: "The group's open findings with a progress update newer than their latest review (or updates and no review yet), by reference." }
    ),
    awaitingBoard: Type.Array(
      Type.Object({
        id: Uuid,
        findingId: Uuid,
        reference: StoredReference(),
        title: StoredTitle(),
        summary: text(MAX_LENGTH.text),
        evidenceCount: Count('How many evidence items the request pinned.'),
        submittedOn: CalendarDate,
        version: Version("The request's version: send it as If-Match when approving or returning.")
      }),
      { description: "Closure requests of the group's findings waiting for the board (status board_review), oldest submission first." }
    ),
    slippage: Type.Array(
      Type.Object({
        actionId: Uuid,
        findingId: Uuid,
        reference: StoredReference(),
        description: text(MAX_LENGTH.description),
        from: nullable(CalendarDate),
        to: nullable(CalendarDate),
        daysSlipped: nullable(Days(), 'to minus from, in days (negative when brought forward); null when either date is unset.'),
        reason: nullable(text(MAX_LENGTH.note)),
        changedOn: CalendarDate
      }),
      { description: "Every move of an ongoing action's expected completion, for the group's findings, made on or after `since`, oldest first." }
    ),
    overdue: Type.Object(overdueLists, { description: "The group's overdue findings and ongoing actions on asOf, as GET /v1/reports/overdue." })
  },
  { description: "What a governance group's next meeting needs." }
)

// ---- gap

const TitledQuestion = Type.Object({ framework: FrameworkKey, ref: QuestionRef, title: FreeText(REFERENCE.title) })

export const GapSchema = Type.Object(
  {
    force: ForceCode,
    question: TitledQuestion,
    related: Type.Array(TitledQuestion, {
      maxItems: REFERENCE.questions * REFERENCE.frameworks,
      description:
        'Questions of the other versions that cover common ground, through the crosswalk in either direction (as GET /v1/crosswalk with ref), ' +
        'oldest version first, in document order.'
    }),
    findings: Type.Array(
      Type.Object({
        id: Uuid,
        reference: StoredReference(),
        kind: Kind,
        title: StoredTitle(),
        status: Status,
        linkedThrough: Type.Array(Type.Object({ framework: FrameworkKey, ref: QuestionRef }), {
          maxItems: MAX_ITEMS.questionLinks,
          description: 'The questions (this one, one under it, or a related one) the finding is linked to.'
        }),
        latestUpdate: nullable(Type.Object({ id: Uuid, position: text(MAX_LENGTH.text), date: CalendarDate }), 'null when no progress has been reported.'),
        evidence: Type.Array(
          Type.Object({
            title: text(MAX_LENGTH.title),
            kind: Type.Enum(EVIDENCE_KINDS),
            location: nullable(text(MAX_LENGTH.location)),
            date: nullable(CalendarDate),
            updateId: Uuid,
            updateDate: CalendarDate
          }),
          { description: 'Every evidence item of its progress updates, oldest update first.' }
        )
      }),
      { description: "The force's open findings linked to the question, a question under it, or a related question, by reference." }
    ),
    withoutEvidence: Type.Array(StoredReference('A finding with no evidence yet.'), { description: 'References of those findings with no evidence yet: the gaps.' }),
    grades: Type.Array(
      Type.Object({
        framework: FrameworkKey,
        period: Period,
        questionRef: QuestionRef,
        area: FreeText(REFERENCE.title, { description: "The area's title as the published table heads it." }),
        grade: nullable(Grade, 'null when the published cell holds no grade (see assessment).'),
        assessment: Assessment
      }),
      {
        maxItems: REFERENCE.listItems * REFERENCE.frameworks,
        description: "The force's published grades for the question, the questions under it and the related questions, oldest first."
      }
    )
  },
  { description: 'For one framework question: what covers it in other versions, which open findings bear on it and whether they have evidence yet, and how the force was graded there.' }
)
