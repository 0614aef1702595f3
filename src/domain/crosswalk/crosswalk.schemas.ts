import { Type } from 'typebox'
import { ref } from '../../schemas/common.ts'
import { FreeText, REFERENCE } from '../../schemas/limits.ts'
import { FrameworkKey, QuestionRef } from '../frameworks/frameworks.schemas.ts'

export const RELATIONS = ['same', 'broader', 'narrower', 'overlaps'] as const

/**
 * What the shipped crosswalk (reference/crosswalk.json) gives between any two versions, with room:
 * links between two versions, and chains of links behind one of them. Derived from the reference
 * data rather than stored, so test/routes/reference-contract.test.ts checks them for every pair.
 */
export const CROSSWALK_LINKS_MAX = 1000
export const CROSSWALK_PATHS_MAX = 100
export const Relation = Type.Enum(RELATIONS, {
  description:
    'How the target question relates to the source: same ground; broader (covers all of it and more); ' +
    'narrower (covers part of it); overlaps (each covers things the other does not).'
})

const QuestionRefObject = Type.Object({ framework: FrameworkKey, ref: QuestionRef })
const TitledQuestion = Type.Object({ framework: FrameworkKey, ref: QuestionRef, title: FreeText(REFERENCE.title) })

export const CrosswalkLinkSchema = Type.Object(
  {
    from: TitledQuestion,
    to: TitledQuestion,
    relation: Relation,
    paths: Type.Array(
      Type.Object({
        relation: Relation,
        steps: Type.Array(
          Type.Object({ from: QuestionRefObject, to: QuestionRefObject, relation: Relation, rationale: FreeText(REFERENCE.text) }),
          { maxItems: REFERENCE.frameworks - 1, description: 'One link per pair of consecutive versions on the way.' }
        )
      }),
      { maxItems: CROSSWALK_PATHS_MAX, description: 'Every chain of curated links between consecutive versions that leads from one to the other.' }
    )
  },
  { $id: 'CrosswalkLink', description: 'A question of one version and a question of another that cover common ground.' }
)

export const CrosswalkSchema = Type.Object(
  {
    from: FrameworkKey,
    to: FrameworkKey,
    items: Type.Array(ref(CrosswalkLinkSchema), { maxItems: CROSSWALK_LINKS_MAX }),
    nextCursor: Type.Null({ description: 'Always null: the crosswalk between two versions comes whole.' }),
    unmatched: Type.Array(
      Type.Object({ framework: FrameworkKey, ref: QuestionRef, title: FreeText(REFERENCE.title), reason: FreeText(REFERENCE.text) }),
      { maxItems: REFERENCE.questions * REFERENCE.frameworks, description: 'Questions of the versions on the way that have no counterpart in the next or previous version, and why.' }
    )
  },
  { $id: 'Crosswalk' }
)

export const CrosswalkQuery = Type.Object(
  {
    from: FrameworkKey,
    to: FrameworkKey,
    ref: Type.Optional(
      Type.String({
        pattern: '^[0-9]+(\\.[0-9]+)*$',
        maxLength: 20,
        description: 'Only links from this question of `from` and the questions under it.'
      })
    )
  },
  { additionalProperties: false }
)
