/**
 * The errors a service or route may throw on purpose. The error handler turns each into an
 * RFC 9457 problem; anything else is a fault of ours and becomes a masked 500.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail?: string,
    readonly extras: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {}
  ) {
    super(detail ?? title)
    this.name = 'HttpProblem'
  }

  get detail(): string {
    return this.message
  }
}

export const badRequest = (detail: string, extras?: Record<string, unknown>) =>
  new HttpProblem(400, 'bad-request', 'Bad request', detail, extras)

/** A single field is wrong in a way the schema cannot say (a cursor that does not decode, a date out of range). */
export const invalidField = (location: 'body' | 'query' | 'params' | 'headers', field: string, message: string) =>
  new HttpProblem(400, 'validation', 'Request validation failed', `${location} ${field} ${message}`, {
    errors: [{ in: location, field, message }]
  })

export const unauthorized = (detail: string) =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, {}, { 'www-authenticate': 'Bearer realm="peel-register"' })

export const forbidden = (detail: string) => new HttpProblem(403, 'forbidden', 'Forbidden', detail)

export const notFound = (detail: string) => new HttpProblem(404, 'not-found', 'Not found', detail)

export const conflict = (detail: string, extras?: Record<string, unknown>) =>
  new HttpProblem(409, 'conflict', 'Conflict', detail, extras)

/** A replayed create whose response held a secret: the secret was shown once and is not kept to show again. */
export const secretNotReplayed = (detail: string, extras: Record<string, unknown>) =>
  new HttpProblem(409, 'secret-not-replayed', 'Secret not replayed', detail, extras)

export const preconditionRequired = (detail: string) =>
  new HttpProblem(428, 'precondition-required', 'Precondition required', detail)

export const preconditionFailed = (detail: string) =>
  new HttpProblem(412, 'precondition-failed', 'Precondition failed', detail)

/** Over a rate limit: `headers` carries Retry-After and the RateLimit fields. */
export const tooManyRequests = (detail: string, headers: Record<string, string>) =>
  new HttpProblem(429, 'too-many-requests', 'Too many requests', detail, {}, headers)

export const uriTooLong = (detail: string) => new HttpProblem(414, 'uri-too-long', 'URI too long', detail)

export const unprocessable = (slug: string, title: string, detail: string) => new HttpProblem(422, slug, title, detail)
