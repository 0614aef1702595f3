import { Type } from 'typebox'
import { PageQuery, Timestamp, Uuid } from '../../schemas/common.ts'
import { CalendarDate } from '../inspections/inspections.schemas.ts'

const text = (max: number) => Type.String({ minLength: 1, maxLength: max })
const nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])

export const EVIDENCE_KINDS = ['policy', 'guidance', 'evaluation', 'meeting_record', 'report', 'training', 'data', 'other'] as const

export const EvidenceSchema = Type.Object(
  {
    title: text(300),
    kind: Type.Enum(EVIDENCE_KINDS, { description: 'policy, guidance, evaluation, meeting_record, report, training, data or other.' }),
    location: nullable(text(1000)),
    date: nullable(CalendarDate)
  },
  { additionalProperties: false, description: 'A document that proves progress: where it is, and its date.' }
)

const ACTION_STATUSES = ['ongoing', 'not_started', 'completed'] as const

export const OngoingActionSchema = Type.Object(
  {
    id: Uuid,
    findingId: Uuid,
    updateId: Uuid,
    description: Type.String(),
    anticipatedImpact: Type.Union([Type.String(), Type.Null()]),
    expectedCompletion: Type.Union([CalendarDate, Type.Null()]),
    status: Type.Enum(ACTION_STATUSES),
    dateHistory: Type.Array(
      Type.Object({
        expectedCompletion: Type.Union([CalendarDate, Type.Null()]),
        reason: Type.Union([Type.String(), Type.Null()]),
        changedAt: Timestamp,
        changedBy: Type.Union([Uuid, Type.Null()])
      }),
      { description: 'Every expected completion date it has had, oldest first, with the reason each one moved.' }
    ),
    slippageDays: Type.Integer({ description: 'How many days later than first expected it is now expected (0 if never moved later).' }),
    version: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'OngoingAction', description: 'An action still ongoing or not started, as a progress update reported it.' }
)

export const ProgressUpdateSchema = Type.Object(
  {
    id: Uuid,
    findingId: Uuid,
    position: Type.String({ description: 'Where the force stands now.' }),
    activities: Type.String({ description: 'What has been done.' }),
    impact: Type.Union([Type.String(), Type.Null()], { description: 'What difference it made.' }),
    evidence: Type.Array(EvidenceSchema),
    ongoingActions: Type.Array(Type.Object(OngoingActionSchema.properties)),
    author: Type.Union([Uuid, Type.Null()], { description: 'The API key that wrote it.' }),
    createdAt: Timestamp
  },
  { $id: 'ProgressUpdate', description: "A delivery lead's report of progress (001 section 3.4). Never edited: a correction is a new update." }
)

export const CreateProgressUpdateBody = Type.Object(
  {
    position: text(20_000),
    activities: text(20_000),
    impact: Type.Optional(nullable(text(20_000))),
    evidence: Type.Optional(Type.Array(EvidenceSchema, { maxItems: 100 })),
    ongoingActions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            description: text(5000),
            anticipatedImpact: Type.Optional(nullable(text(5000))),
            expectedCompletion: Type.Optional(nullable(CalendarDate)),
            status: Type.Optional(Type.Enum(['ongoing', 'not_started'], { default: 'ongoing' }))
          },
          { additionalProperties: false }
        ),
        { maxItems: 100 }
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
    reason: Type.Optional(text(2000)),
    status: Type.Optional(Type.Enum(ACTION_STATUSES))
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
    rationale: Type.String(),
    governanceGroupId: Type.Union([Uuid, Type.Null()], { description: 'The group that reviewed.' }),
    reviewer: Type.Union([Uuid, Type.Null()]),
    createdAt: Timestamp
  },
  { $id: 'Review', description: 'A board or delivery and assurance group review of a finding.' }
)

export const CreateReviewBody = Type.Object(
  {
    outcome: Type.Enum(REVIEW_OUTCOMES),
    rationale: text(20_000),
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
