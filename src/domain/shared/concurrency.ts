import { INT32_MAX } from '../../schemas/limits.ts'
import { notFound, preconditionFailed, preconditionRequired } from '../../problems.ts'

/** A record's ETag is its version: every write bumps it, so a stale copy never matches. */
export function etagOf(version: number): string {
  return `"${version}"`
}

/**
 * Whether an If-None-Match header names `etag`: `*`, or a list of ETags compared weakly (`W/"3"`
 * matches `"3"`), as RFC 9110 has it for a GET. Anything it cannot read matches nothing.
 */
export function noneMatchHits(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  const value = ifNoneMatch.trim()
  if (value === '*') return true
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}

/**
 * The version the caller last saw, from If-Match. Writing to a record without saying which
 * version you read is refused (428): that is how two writers never silently overwrite each other.
 */
export function expectedVersion(ifMatch: string | undefined): number {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw preconditionRequired('Send If-Match with the ETag of the version you read (GET it first).')
  }
  const match = /^(?:W\/)?"(\d+)"$/.exec(ifMatch.trim())
  const version = match ? Number(match[1]) : NaN
  // Versions are PostgreSQL integers: a larger number was never issued (and must not reach the query).
  if (!Number.isInteger(version) || version > INT32_MAX) throw preconditionFailed(`If-Match ${ifMatch} is not an ETag this service issued.`)
  return version
}

/**
 * After an update guarded by `where version = expected` touched nothing: either the record is gone
 * (404) or someone else changed it first (412, with the version to fetch).
 */
export function staleOrMissing(current: { version: number } | undefined, what: string): never {
  if (!current) throw notFound(`No ${what}.`)
  throw preconditionFailed(
    `${what} has changed since you read it: it is now at ETag ${etagOf(current.version)}. GET it again and reapply your change.`
  )
}
