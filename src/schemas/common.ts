import { type Static, type TSchema, Type } from 'typebox'

/**
 * Schemas that many routes share. Each has an `$id`, is registered once with `app.addSchema`, and
 * is used through `ref()`, so the OpenAPI document names it under components.schemas instead of
 * repeating it inline.
 */

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI reference naming the kind of problem.', examples: ['/problems/not-found'] }),
    title: Type.String({ description: 'A short summary of the kind of problem.' }),
    status: Type.Integer({ description: 'The HTTP status code.' }),
    detail: Type.Optional(Type.String({ description: 'What went wrong with this request.' })),
    instance: Type.Optional(Type.String({ description: 'The request path.' })),
    requestId: Type.Optional(Type.String({ description: 'Quote this when reporting a server error.' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.String({ description: 'body, query, params or headers.' }),
          field: Type.String({ description: 'The offending field, as a dotted path (empty for the whole value).' }),
          message: Type.String()
        }),
        { description: 'Each offending field, for validation problems.' }
      )
    )
  },
  {
    $id: 'Problem',
    description: 'An RFC 9457 problem details object, sent as application/problem+json.',
    additionalProperties: true
  }
)
export type Problem = Static<typeof ProblemSchema>

export const sharedSchemas: TSchema[] = [ProblemSchema]

/** A reference to a shared schema that keeps its static type for handlers. */
export function ref<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: unknown }).$id
  if (typeof id !== 'string') throw new Error('ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` })
}

/** An error response in the contract: a problem document under its own media type. */
export function problem(description: string) {
  return { description, content: { 'application/problem+json': { schema: ref(ProblemSchema) } } }
}

export const ForceCode = Type.String({
  pattern: '^[a-z]+(-[a-z]+)*$',
  maxLength: 64,
  description: "A force's stable code: its lowercase hyphenated name without Police, Constabulary or Service.",
  examples: ['cleveland']
})

export const Uuid = Type.String({ format: 'uuid' })
export const Timestamp = Type.String({ format: 'date-time' })

export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'How many items to return (1 to 500).' })
  ),
  cursor: Type.Optional(
    Type.String({ maxLength: 1024, description: 'The `nextCursor` of the previous page, to continue from it.' })
  )
})

/** The shape of every list: `{ items, nextCursor }`, nextCursor null on the last page. */
export function Page<T extends TSchema>(item: T, description: string) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` to fetch the next page; null when there is none.'
      })
    },
    { description }
  )
}
