import type { Migration } from 'kysely/migration'
import * as foundation from './2026-11-22T10-00-00-foundation.ts'
import * as frameworks from './2026-11-22T12-00-00-frameworks.ts'
import * as gradingsAndPractice from './2026-11-22T13-00-00-gradings-and-practice.ts'
import * as register from './2026-11-22T14-00-00-register.ts'
import * as progressAndClosure from './2026-11-22T15-00-00-progress-and-closure.ts'
import * as eventsAndWebhooks from './2026-11-22T16-00-00-events-and-webhooks.ts'
import * as findingCounts from './2026-11-22T17-00-00-finding-counts.ts'
import * as rateLimitsAndKeyExpiry from './2026-11-22T18-00-00-rate-limits-and-key-expiry.ts'
import * as findingCountsPerStatement from './2026-11-30T06-00-00-finding-counts-per-statement.ts'
import * as indexesForLookups from './2026-11-30T09-00-00-indexes-for-lookups.ts'
import * as searchWithinForce from './2026-11-30T10-00-00-search-within-force.ts'
import * as nationalAuditFeed from './2026-11-30T11-00-00-national-audit-feed.ts'
import * as closureOwnedByWorkflow from './2026-12-07T20-00-00-closure-owned-by-workflow.ts'
import * as idempotencyWithoutSecrets from './2026-12-07T20-10-00-idempotency-without-secrets.ts'
import * as auditSeals from './2026-12-07T20-20-00-audit-seals.ts'

/**
 * Every migration, in the order it applies. Names sort by time; a released migration never changes:
 * a new change is a new entry at the end.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T10-00-00-foundation': foundation,
  '2026-11-22T12-00-00-frameworks': frameworks,
  '2026-11-22T13-00-00-gradings-and-practice': gradingsAndPractice,
  '2026-11-22T14-00-00-register': register,
  '2026-11-22T15-00-00-progress-and-closure': progressAndClosure,
  '2026-11-22T16-00-00-events-and-webhooks': eventsAndWebhooks,
  '2026-11-22T17-00-00-finding-counts': findingCounts,
  '2026-11-22T18-00-00-rate-limits-and-key-expiry': rateLimitsAndKeyExpiry,
  '2026-11-30T06-00-00-finding-counts-per-statement': findingCountsPerStatement,
  '2026-11-30T09-00-00-indexes-for-lookups': indexesForLookups,
  '2026-11-30T10-00-00-search-within-force': searchWithinForce,
  '2026-11-30T11-00-00-national-audit-feed': nationalAuditFeed,
  '2026-12-07T20-00-00-closure-owned-by-workflow': closureOwnedByWorkflow,
  '2026-12-07T20-10-00-idempotency-without-secrets': idempotencyWithoutSecrets,
  '2026-12-07T20-20-00-audit-seals': auditSeals
}
