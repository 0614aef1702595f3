/**
 * The last migration of each release, oldest first: the schema a database of that release has.
 * test/db/upgrade.test.ts builds the newest release's schema from an empty database, fills it with
 * data as that release wrote it, and upgrades it to the latest migration.
 *
 * On a release, add it here with the last migration it ships; when the previous release moves on,
 * rewrite the upgrade test's data for the schema of the new previous release.
 */
export const releases: ReadonlyArray<{ version: string; lastMigration: string }> = [
  // 0.1.0: the register, progress and closure, the change feed and webhooks; before finding_counts.
  { version: '0.1.0', lastMigration: '2026-11-22T16-00-00-events-and-webhooks' }
]
