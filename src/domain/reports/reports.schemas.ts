import { type TSchema, Type } from 'typebox'
import { ForceCode, Timestamp, Uuid, ref } from '../../schemas/common.ts'
import { Kind, PortalStatus, Status } from '../findings/findings.schemas.ts'
import { FrameworkKey, Grade, QuestionRef } from '../frameworks/frameworks.schemas.ts'
import { Assessment } from '../gradings/gradings.schemas.ts'
import { GovernanceGroupSchema } from '../governance-groups/governance-groups.schemas.ts'
import { CalendarDate, Category } from '../inspections/inspections.schemas.ts'
import { EVIDENCE_KINDS, REVIEW_OUTCOMES } from '../progress/progress.schemas.ts'

/**
 * The reports are read models: each schema here answers one report and nothing else, so they stay
 * inline in the contract rather than being named components.
 */

const nullable = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {})

/** A force key reports on its own force (naming another is 403); a national key must name one. */
const force = Type.Optional(ForceCode)
const asOf = Type.Optional(
  Type.String({ format: 'date', description: 'The day the report is judged on, YYYY-MM-DD (today, UTC, by default): due before it is overdue.' })
)
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
      Type.String({
        format: 'date',
        description: "Report date slips made on or after this day (YYYY-MM-DD). By default, the day of the group's last meeting: its latest recorded review."
      })
    )
  },
  { additionalProperties: false }
)
export const GapQuery = Type.Object({ force }, { additionalProperties: false })

// ---- summary (001 section 2.1)

const KindCount = Type.Object(
  {
    total: Type.Integer({ description: 'Open in the register (open or closure requested).' }),
    notOnPortal: Type.Integer({
      description: "Of those, how many are not open on the inspectorate's portal: never on it, or closed there (001's figures in brackets, note 2)."
    })
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
  reference: Type.String(),
  kind: Kind,
  category: nullable(Category, 'null when the finding has no inspection.'),
  title: Type.String(),
  status: Status,
  portalStatus: PortalStatus,
  portalNote: nullable(Type.String(), 'Why the portal disagrees, as the register recorded it.')
})

export const SummarySchema = Type.Object(
  {
    force: ForceCode,
    generatedAt: Timestamp,
    rows: Type.Array(
      Type.Object({
        category: Category,
        label: Type.String({ description: 'The row as 001 prints it.', examples: ['Local PEEL'] }),
        ...KindCounts
      }),
      { description: "One row per inspection category, always all six, in 001's order." }
    ),
    uncategorised: Type.Object(KindCounts, { description: 'Open findings with no inspection recorded, so that the rows add up to the register total.' }),
    register: Type.Object(
      { label: Type.String({ examples: ['Total on Force register'] }), ...KindCounts },
      { description: 'Every open finding of the register: the rows plus uncategorised.' }
    ),
    portal: Type.Object(
      {
        label: Type.String({ examples: ['Total on HMIC monitoring portal'] }),
        causesOfConcern: Type.Integer(),
        recommendations: Type.Integer(),
        areasForImprovement: Type.Integer()
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

const GroupRef = nullable(Type.Object({ id: Uuid, name: Type.String() }), 'The governance group monitoring the finding, if any.')

const leads = {
  forceLead: nullable(Type.String()),
  deliveryLead: nullable(Type.String()),
  governanceGroup: GroupRef
}

const OverdueFindingSchema = Type.Object({
  id: Uuid,
  reference: Type.String(),
  kind: Kind,
  title: Type.String(),
  status: Type.Enum(['open', 'closure_requested']),
  category: nullable(Category),
  deadlineText: nullable(Type.String()),
  dueDate: CalendarDate,
  daysOverdue: Type.Integer({ description: 'asOf minus dueDate, in days.' }),
  ...leads
})

const OverdueActionSchema = Type.Object({
  id: Uuid,
  findingId: Uuid,
  reference: Type.String({ description: "The finding's reference." }),
  findingTitle: Type.String(),
  description: Type.String(),
  status: Type.Enum(['ongoing', 'not_started']),
  expectedCompletion: CalendarDate,
  daysOverdue: Type.Integer({ description: 'asOf minus expectedCompletion, in days.' }),
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
  open: Type.Integer({ description: 'Open findings (open or closure requested).' }),
  closureRequested: Type.Integer({ description: 'Of those, how many have a closure request under way.' }),
  overdue: Type.Integer({ description: 'Of those, how many are due before asOf.' }),
  ongoingActionsOverdue: Type.Integer({ description: 'Ongoing actions of those findings not completed and expected before asOf.' }),
  nextDueDate: nullable(CalendarDate, 'The earliest due date on or after asOf among those findings.'),
  causesOfConcern: Type.Integer({ description: 'Open causes of concern.' }),
  recommendations: Type.Integer({ description: 'Open recommendations.' }),
  areasForImprovement: Type.Integer({ description: 'Open areas for improvement.' })
}

export const ByLeadSchema = Type.Object(
  {
    force: ForceCode,
    asOf: CalendarDate,
    lead: Type.Enum(['force', 'delivery']),
    generatedAt: Timestamp,
    rows: Type.Array(
      Type.Object({
        lead: nullable(Type.String(), 'The lead as the register spells it most often (names are grouped whatever their case); null for open findings with no lead.'),
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
        reference: Type.String(),
        kind: Kind,
        title: Type.String(),
        status: Status,
        latestUpdate: Type.Object({ id: Uuid, position: Type.String(), date: CalendarDate }),
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
        reference: Type.String(),
        title: Type.String(),
        summary: Type.String(),
        evidenceCount: Type.Integer({ description: 'How many evidence items the request pinned.' }),
        submittedOn: CalendarDate,
        version: Type.Integer({ description: "The request's version: send it as If-Match when approving or returning." })
      }),
      { description: "Closure requests of the group's findings waiting for the board (status board_review), oldest submission first." }
    ),
    slippage: Type.Array(
      Type.Object({
        actionId: Uuid,
        findingId: Uuid,
        reference: Type.String(),
        description: Type.String(),
        from: nullable(CalendarDate),
        to: nullable(CalendarDate),
        daysSlipped: nullable(Type.Integer(), 'to minus from, in days (negative when brought forward); null when either date is unset.'),
        reason: nullable(Type.String()),
        changedOn: CalendarDate
      }),
      { description: "Every move of an ongoing action's expected completion, for the group's findings, made on or after `since`, oldest first." }
    ),
    overdue: Type.Object(overdueLists, { description: "The group's overdue findings and ongoing actions on asOf, as GET /v1/reports/overdue." })
  },
  { description: "What a governance group's next meeting needs." }
)

// ---- gap

const TitledQuestion = Type.Object({ framework: FrameworkKey, ref: QuestionRef, title: Type.String() })

export const GapSchema = Type.Object(
  {
    force: ForceCode,
    question: TitledQuestion,
    related: Type.Array(TitledQuestion, {
      description:
        'Questions of the other versions that cover common ground, through the crosswalk in either direction (as GET /v1/crosswalk with ref), ' +
        'oldest version first, in document order.'
    }),
    findings: Type.Array(
      Type.Object({
        id: Uuid,
        reference: Type.String(),
        kind: Kind,
        title: Type.String(),
        status: Status,
        linkedThrough: Type.Array(Type.Object({ framework: FrameworkKey, ref: QuestionRef }), {
          description: 'The questions (this one, one under it, or a related one) the finding is linked to.'
        }),
        latestUpdate: nullable(Type.Object({ id: Uuid, position: Type.String(), date: CalendarDate }), 'null when no progress has been reported.'),
        evidence: Type.Array(
          Type.Object({
            title: Type.String(),
            kind: Type.Enum(EVIDENCE_KINDS),
            location: nullable(Type.String()),
            date: nullable(CalendarDate),
            updateId: Uuid,
            updateDate: CalendarDate
          }),
          { description: 'Every evidence item of its progress updates, oldest update first.' }
        )
      }),
      { description: "The force's open findings linked to the question, a question under it, or a related question, by reference." }
    ),
    withoutEvidence: Type.Array(Type.String(), { description: 'References of those findings with no evidence yet: the gaps.' }),
    grades: Type.Array(
      Type.Object({
        framework: FrameworkKey,
        period: Type.String({ examples: ['2021/22'] }),
        questionRef: QuestionRef,
        area: Type.String({ description: "The area's title as the published table heads it." }),
        grade: nullable(Grade, 'null when the published cell holds no grade (see assessment).'),
        assessment: Assessment
      }),
      { description: "The force's published grades for the question, the questions under it and the related questions, oldest first." }
    )
  },
  { description: 'For one framework question: what covers it in other versions, which open findings bear on it and whether they have evidence yet, and how the force was graded there.' }
)
