import { type Static, type TSchema, Type } from 'typebox'
import { FreeText, INT32_MAX, MAX_ITEMS, MAX_LENGTH, MAX_URL_LIMIT_BYTES, PAGE_LIMIT_MAX } from './limits.ts'

/**
 * Schemas that many routes share. Each has an `$id`, is registered once with `app.addSchema`, and
 * is used through `ref()`, so the OpenAPI document names it under components.schemas instead of
 * repeating it inline.
 */

/** The id of a request: a caller's X-Request-Id when it looks like one (server-options.ts), else a UUID. */
export const REQUEST_ID_PATTERN = `^[A-Za-z0-9._:-]{1,${MAX_LENGTH.requestId}}$`
export const RequestId = (description?: string) =>
  Type.String({ pattern: REQUEST_ID_PATTERN, maxLength: MAX_LENGTH.requestId, ...(description ? { description } : {}) })

/** How much a problem document says at most: what a client sent is quoted, never echoed whole (problem-details.ts cuts it). */
export const PROBLEM_LIMITS = { detail: MAX_LENGTH.description, field: MAX_LENGTH.shortText, message: MAX_LENGTH.location, instance: MAX_URL_LIMIT_BYTES } as const

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      pattern: '^/problems/[a-z0-9-]+$',
      maxLength: MAX_LENGTH.problemType,
      description: 'A URI reference naming the kind of problem.',
      examples: ['/problems/not-found']
    }),
    title: FreeText(MAX_LENGTH.problemTitle, { description: 'A short summary of the kind of problem.' }),
    status: Type.Integer({ format: 'int32', minimum: 400, maximum: 599, description: 'The HTTP status code.' }),
    detail: Type.Optional(FreeText(PROBLEM_LIMITS.detail, { description: 'What went wrong with this request.' })),
    instance: Type.Optional(FreeText(PROBLEM_LIMITS.instance, { description: 'The request path.' })),
    requestId: Type.Optional(RequestId('Quote this when reporting a server error.')),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.Enum(['body', 'query', 'params', 'headers'], { description: 'Where the offending field is.' }),
          field: FreeText(PROBLEM_LIMITS.field, { description: 'The offending field, as a dotted path (empty for the whole value).' }),
          message: FreeText(PROBLEM_LIMITS.message)
        }),
        { maxItems: MAX_ITEMS.problems, description: `Each offending field, for validation problems (the first ${MAX_ITEMS.problems}).` }
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
  maxLength: MAX_LENGTH.forceCode,
  description: "A force's stable code: its lowercase hyphenated name without Police, Constabulary or Service.",
  examples: ['cleveland']
})

export const Uuid = Type.String({ format: 'uuid', maxLength: MAX_LENGTH.uuid })
export const Timestamp = Type.String({ format: 'date-time', maxLength: MAX_LENGTH.timestamp })
/** A day, YYYY-MM-DD. */
export const CalendarDate = Type.String({ format: 'date', maxLength: MAX_LENGTH.date, description: 'YYYY-MM-DD' })

/** A record's version, from 1, bumped by every change; its ETag is this number in quotes. */
export const Version = (description?: string) =>
  Type.Integer({ format: 'int32', minimum: 1, maximum: INT32_MAX, ...(description ? { description } : {}) })

/** An entry of the audit log, which is also an event of the change feed: a bigint, as a string. */
export const AuditId = (description?: string) =>
  Type.String({ pattern: '^[0-9]{1,19}$', maxLength: 19, ...(description ? { description } : {}) })

/** What an audit entry is about: finding, finding_action, progress_update, closure_request ... */
export const EntityType = (description?: string) =>
  Type.String({ pattern: '^[a-z_]+$', maxLength: 64, examples: ['finding', 'finding_action'], ...(description ? { description } : {}) })

/** Cursors are base64url (pagination.ts). */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]+$'

export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ format: 'int32', minimum: 1, maximum: PAGE_LIMIT_MAX, default: 50, description: `How many items to return (1 to ${PAGE_LIMIT_MAX}).` })
  ),
  cursor: Type.Optional(
    Type.String({ pattern: CURSOR_PATTERN, maxLength: MAX_LENGTH.cursor, description: 'The `nextCursor` of the previous page, to continue from it.' })
  )
})

/**
 * The shape of every list: `{ items, nextCursor }`, nextCursor null on the last page. A page holds
 * at most the largest `limit`; a list that comes whole says how long it can be, or `unbounded`
 * when nothing but the register's size limits it (.spectral.yaml names those).
 */
export function Page<T extends TSchema>(item: T, description: string, maxItems: number | 'unbounded' = PAGE_LIMIT_MAX) {
  return Type.Object(
    {
      items: Type.Array(item, maxItems === 'unbounded' ? {} : { maxItems }),
      nextCursor: Type.Union([Type.String({ pattern: CURSOR_PATTERN, maxLength: MAX_LENGTH.cursor }), Type.Null()], {
        description: 'Pass as `cursor` to fetch the next page; null when there is none.'
      })
    },
    { description }
  )
}
