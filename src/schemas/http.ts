import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { etagOf, noneMatchHits } from '../domain/shared/concurrency.ts'
import { problem } from './common.ts'
import { FreeText, MAX_LENGTH } from './limits.ts'

/** Headers of a create that a retrying client may repeat safely. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    FreeText(MAX_LENGTH.idempotencyKey, {
      minLength: 1,
      description:
        'Any unique string (a UUID is ideal). Retrying with the same key and body replays the first response instead of creating twice; the same key with another body is 422.'
    })
  )
})

/**
 * An If-Match header. Any text within the length is taken and judged by concurrency.ts, so that an
 * ETag this service never issued is a 412, as HTTP has it, rather than a 400.
 */
export const IfMatch = (description: string) => Type.Optional(FreeText(MAX_LENGTH.etag, { description, examples: ['"3"'] }))

/** Headers of a change to an existing record. */
export const IfMatchHeaders = Type.Object({
  'if-match': IfMatch('The ETag of the version you read. Required: 428 without it, 412 if the record changed since.')
})

export const createProblems = {
  409: problem('A record with the same unique field already exists.'),
  422: problem('The Idempotency-Key was used for a different request.')
}

export const updateProblems = {
  404: problem('No such record visible to this key.'),
  409: problem('The change conflicts with the register.'),
  412: problem('The record changed since the ETag you sent: GET it again.'),
  428: problem('If-Match is missing.')
}

/**
 * A created record: 201 (or the replayed status), Location, and its ETag when it has versions (a
 * record that is never changed, such as a progress update, has none).
 */
export function created<T extends { id: string; version?: number }>(
  reply: FastifyReply,
  location: string,
  result: { status: number; body: T; replayed: boolean }
): T {
  reply.code(result.status).header('location', `${location}/${result.body.id}`)
  if (typeof result.body.version === 'number') reply.header('etag', etagOf(result.body.version))
  if (result.replayed) reply.header('idempotent-replayed', 'true')
  return result.body
}

/**
 * A record with its ETag. On a read (GET, HEAD) whose If-None-Match names that ETag, the answer is
 * 304 with no body instead: the copy the client holds is current.
 */
export function withEtag<T extends { version: number }>(reply: FastifyReply, view: T): T | FastifyReply {
  const etag = etagOf(view.version)
  reply.header('etag', etag)
  const { method, headers } = reply.request
  if ((method === 'GET' || method === 'HEAD') && noneMatchHits(headers['if-none-match'], etag)) return reply.code(304).send()
  return view
}

/** CSV when asked for by ?format=csv or by an Accept header that prefers text/csv to JSON. */
export function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) return format === 'csv'
  const accept = request.headers.accept ?? ''
  return /\btext\/csv\b/.test(accept) && !/\bapplication\/json\b/.test(accept)
}

/**
 * Marks a route schema whose body may be left out, its preValidation supplying the default; the
 * contract then says so (plugins/external/swagger.ts).
 */
export const BODY_OPTIONAL = 'x-body-optional'

/**
 * The headers a route sets itself, beyond those every response carries (rate limits, request id,
 * CORS): each is described once in plugins/external/swagger.ts, which declares it on the statuses
 * a route names here. test/response-headers.ts holds every response the tests receive to what is declared.
 */
export const ROUTE_HEADERS = ['ETag', 'Location', 'Idempotent-Replayed', 'Link', 'Cache-Status', 'Content-Disposition', 'Cache-Control'] as const
export type RouteHeader = (typeof ROUTE_HEADERS)[number]
export const RESPONSE_HEADERS = 'x-response-headers'

/** The headers a route sets, by status, for its schema: `...sets({ 200: ['ETag'] })`. */
export function sets(byStatus: Partial<Record<number, readonly RouteHeader[]>>): { [RESPONSE_HEADERS]: Partial<Record<number, readonly RouteHeader[]>> } {
  return { [RESPONSE_HEADERS]: byStatus }
}

/** What `created` sets on its 201: for a record with versions, and for one never changed. */
export const CREATED_HEADERS = ['Location', 'ETag', 'Idempotent-Replayed'] as const
export const CREATED_UNVERSIONED_HEADERS = ['Location', 'Idempotent-Replayed'] as const

/** The request headers of a read that can answer 304 (withEtag). */
export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(
    FreeText(MAX_LENGTH.etagList, {
      description: 'The ETag of the copy you hold (or several, comma-separated, or `*`). If it is still current the answer is 304 with no body.',
      examples: ['"3"']
    })
  )
})

/** What a read that withEtag answers adds to its schema: If-None-Match in, ETag out, 304. */
export const CONDITIONAL_READ = {
  headers: IfNoneMatchHeaders,
  ...sets({ 200: ['ETag'], 304: ['ETag'] })
}
export const notModified = {
  304: Type.Null({ description: 'Not modified: the ETag sent in If-None-Match is current. No body; the ETag header repeats it.' })
}
