import { Type } from 'typebox'
import { CalendarDate, PageQuery, Timestamp, Uuid, Version } from '../../schemas/common.ts'
import { FreeText, MAX_DAYS, MAX_ITEMS, MAX_LENGTH } from '../../schemas/limits.ts'

const text = (max: number, description?: string) => FreeText(max, { minLength: 1, ...(description ? { description } : {}) })
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const EVIDENCE_KINDS = ['policy', 'guidance', 'evaluation', 'meeting_record', 'report', 'training', 'data', 'other'] as const

export const EvidenceSchema = Type.Object(
  {
    title: text(MAX_LENGTH.title),
    kind: Type.Enum(EVIDENCE_KINDS, { description: 'policy, guidance, evaluation, meeting_record, report, training, data or other.' }),
    location: nullable(text(MAX_LENGTH.location)),
    date: nullable(CalendarDate)
  },
  { additionalProperties: false, description: 'A document that proves progress: where it is, and its date.' }
)

export const ONGOING_ACTION_STATUSES = ['ongoing', 'not_started', 'completed'] as const

export const OngoingActionSchema = Type.Object(
  {
    id: Uuid,
    findingId: Uuid,
    updateId: Uuid,
    description: text(MAX_LENGTH.description),
    anticipatedImpact: Type.Union([text(MAX_LENGTH.description), Type.Null()]),
    expectedCompletion: Type.Union([CalendarDate, Type.Null()]),
    status: Type.Enum(ONGOING_ACTION_STATUSES),
    dateHistory: Type.Array(
      Type.Object({
        expectedCompletion: Type.Union([CalendarDate, Type.Null()]),
        reason: Type.Union([text(MAX_LENGTH.note), Type.Null()]),
        changedAt: Timestamp,
        changedBy: Type.Union([Uuid, Type.Null()])
      }),
      { description: 'Every expected completion date it has had, oldest first, with the reason each one moved: as many as there were moves.' }
    ),
    slippageDays: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: MAX_DAYS,
      description: 'How many days later than first expected it is now expected (0 if never moved later).'
    }),
    version: Version(),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'OngoingAction', description: 'An action still ongoing or not started, as a progress update reported it.' }
)

export const ProgressUpdateSchema = Type.Object(
  {
    id: Uuid,
    findingId: Uuid,
    position: text(MAX_LENGTH.text, 'Where the force stands now.'),
    activities: text(MAX_LENGTH.text, 'What has been done.'),
    impact: Type.Union([text(MAX_LENGTH.text), Type.Null()], { description: 'What difference it made.' }),
    evidence: Type.Array(EvidenceSchema, { maxItems: MAX_ITEMS.evidence }),
    ongoingActions: Type.Array(Type.Object(OngoingActionSchema.properties), { maxItems: MAX_ITEMS.ongoingActions }),
    author: Type.Union([Uuid, Type.Null()], { description: 'The API key that wrote it; for an imported update, the key that imported it.' }),
    imported: Type.Boolean({ description: 'Brought in by an import from a register kept elsewhere, dated as it was there.' }),
    createdAt: Timestamp
  },
  { $id: 'ProgressUpdate', description: "A delivery lead's report of progress (001 section 3.4). Never edited: a correction is a new update." }
)

export const CreateProgressUpdateBody = Type.Object(
  {
    position: text(MAX_LENGTH.text),
    activities: text(MAX_LENGTH.text),
    impact: Type.Optional(nullable(text(MAX_LENGTH.text))),
    evidence: Type.Optional(Type.Array(EvidenceSchema, { maxItems: MAX_ITEMS.evidence })),
    ongoingActions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            description: text(MAX_LENGTH.description),
            anticipatedImpact: Type.Optional(nullable(text(MAX_LENGTH.description))),
            expectedCompletion: Type.Optional(nullable(CalendarDate)),
            status: Type.Optional(Type.Enum(['ongoing', 'not_started'], { default: 'ongoing' }))
          },
          { additionalProperties: false }
        ),
        { maxItems: MAX_ITEMS.ongoingActions }
      )
    )
  },
  {
    additionalProperties: false,
    examples: [
      {
        position: 'Partially met: the new 101 call-back service is live; answer times have improved but are not yet within target.',
        activities: 'Control room staffing realigned to hourly demand from January; call-back service launched in February.',
        impact: 'Average 101 answer time down from 9 to 4 minutes; abandoned calls down from 21% to 11%.',
        evidence: [
          { title: 'Control room demand and staffing review', kind: 'report', location: 'SharePoint: Force Control Room/Reviews', date: '2023-01-12' },
          { title: 'IAMB minutes, March 2023', kind: 'meeting_record', location: null, date: '2023-03-08' }
        ],
        ongoingActions: [
          {
            description: 'Recruit and train 12 additional call handlers',
            anticipatedImpact: '101 calls answered within 5 minutes at peak times',
            expectedCompletion: '2023-09-30',
            status: 'ongoing'
          }
        ]
      }
    ]
  }
)

export const UpdateOngoingActionBody = Type.Object(
  {
    expectedCompletion: Type.Optional(nullable(CalendarDate)),
    reason: Type.Optional(text(MAX_LENGTH.note)),
    status: Type.Optional(Type.Enum(ONGOING_ACTION_STATUSES))
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Moving expectedCompletion needs a reason; the earlier date is kept.',
    examples: [{ expectedCompletion: '2023-12-31', reason: 'The second training course was cancelled; the next runs in November.' }]
  }
)

export const REVIEW_OUTCOMES = ['request_closure', 'embed_and_sustain', 'remedial_action'] as const

export const ReviewSchema = Type.Object(
  {
    id: Uuid,
    findingId: Uuid,
    outcome: Type.Enum(REVIEW_OUTCOMES, {
      description: 'request_closure; embed_and_sustain (further work needed to embed and sustain); remedial_action (001 section 3.5).'
    }),
    rationale: text(MAX_LENGTH.text),
    governanceGroupId: Type.Union([Uuid, Type.Null()], { description: 'The group that reviewed.' }),
    reviewer: Type.Union([Uuid, Type.Null()], { description: 'The API key that made the review; for an imported review, the key that imported it.' }),
    imported: Type.Boolean({
      description: 'Brought in by an import: a record of a decision made elsewhere, dated as it was there. A closure request cannot cite it; only a review made here is the board decision.'
    }),
    createdAt: Timestamp
  },
  { $id: 'Review', description: 'A board or delivery and assurance group review of a finding.' }
)

export const CreateReviewBody = Type.Object(
  {
    outcome: Type.Enum(REVIEW_OUTCOMES),
    rationale: text(MAX_LENGTH.text),
    governanceGroupId: Type.Optional(Type.Union([Uuid, Type.Null()]))
  },
  {
    additionalProperties: false,
    examples: [
      {
        outcome: 'request_closure',
        rationale: 'Answer times have been within target for three consecutive months and the call-back service is embedded; the board agrees the evidence supports closure.'
      }
    ]
  }
)

export const UpdatesQuery = Type.Object(PageQuery.properties, { additionalProperties: false })
