import { Type } from 'typebox'
import { ForceCode, PageQuery, Timestamp, Uuid, Version } from '../../schemas/common.ts'
import { FreeText, MAX_LENGTH } from '../../schemas/limits.ts'
import { EvidenceSchema } from '../progress/progress.schemas.ts'
import { CLOSURE_ACTIONS, CLOSURE_STATUSES } from './closure.rules.ts'

export const ClosureStatus = Type.Enum(CLOSURE_STATUSES)

export const ClosureRequestSchema = Type.Object(
  {
    id: Uuid,
    findingId: Uuid,
    force: ForceCode,
    status: ClosureStatus,
    summary: FreeText(MAX_LENGTH.text, { minLength: 1 }),
    evidence: Type.Array(Type.Object({ ...EvidenceSchema.properties, updateId: Uuid }), {
      description: "The evidence as it stood when the request was made, pinned: later updates do not change it. Every item of the finding's updates."
    }),
    reviewId: Type.Union([Uuid, Type.Null()], { description: 'The review that asked for closure, if given.' }),
    createdBy: Type.Union([Uuid, Type.Null()]),
    submittedBy: Type.Union([Uuid, Type.Null()], { description: 'The key that last submitted it to the board.' }),
    transitions: Type.Array(
      Type.Object({
        action: Type.Enum(['create', ...CLOSURE_ACTIONS]),
        from: Type.Union([ClosureStatus, Type.Null()]),
        to: ClosureStatus,
        note: Type.Union([FreeText(MAX_LENGTH.text, { minLength: 1 }), Type.Null()]),
        actor: Type.Union([Uuid, Type.Null()]),
        at: Timestamp
      }),
      { description: 'Every move, oldest first: a request may go back and forth between the board and the registrar any number of times.' }
    ),
    version: Version(),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'ClosureRequest', description: 'The path from a review that asks for closure to the inspectorate closing the finding.' }
)

export const CreateClosureRequestBody = Type.Object(
  {
    findingId: Uuid,
    summary: FreeText(MAX_LENGTH.text, { minLength: 1 }),
    reviewId: Type.Optional(Type.Union([Uuid, Type.Null()]))
  },
  {
    additionalProperties: false,
    examples: [
      {
        findingId: '3f6c1a52-8d0e-4b7a-9c1e-5a2f7d4b8e61',
        summary: 'The force answers 101 calls within its agreed time frames (three months of data attached) and has embedded a call-back service; we ask the inspectorate to close this area for improvement.'
      }
    ]
  }
)

export const TransitionBody = Type.Object(
  {
    action: Type.Enum(CLOSURE_ACTIONS, {
      description:
        'submit (registrar: draft or returned → board_review); approve / return (approver, not the submitter: board_review → approved / returned); ' +
        'send_to_fll (registrar: approved → with_fll); close (with_fll → closed); close_pending_signoff (with_fll → awaiting_signoff); ' +
        'sign_off (awaiting_signoff → closed); reject (with_fll → rejected, with the FLL’s feedback); withdraw (any state before with_fll → withdrawn).'
    }),
    note: Type.Optional(FreeText(MAX_LENGTH.text, { minLength: 1 }))
  },
  { additionalProperties: false, examples: [{ action: 'submit', note: 'Evidence pack checked by the registrar: ready for the board.' }] }
)

export const ClosureListQuery = Type.Object(
  {
    ...PageQuery.properties,
    force: Type.Optional(ForceCode),
    status: Type.Optional(Type.Array(ClosureStatus, { maxItems: CLOSURE_STATUSES.length, description: 'Only these states; repeat for several.' })),
    findingId: Type.Optional(Uuid)
  },
  { additionalProperties: false }
)
