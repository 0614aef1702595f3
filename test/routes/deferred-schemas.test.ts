import t from 'tap'
import pino from 'pino'
import { buildApp } from '../../src/app.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { serverOptions } from '../../src/server-options.ts'
import { openTestDatabase, testConfig } from '../helper.ts'

// Validators and serializers are built on first use, so a start stays quick. This builds every one
// of them, so a schema either cannot compile surfaces here, not as a 500 on some rare error path.
t.test('every validator and response serializer of every route builds', async (t) => {
  const config = testConfig()
  const database = await openTestDatabase(t, config)
  await prepareDatabase(database.db, config, pino({ level: 'silent' }))
  const builds: Array<() => void> = []
  const app = await buildApp({ server: serverOptions(config), database, onDeferredCompile: (build) => builds.push(build) })
  t.teardown(() => app.close())

  const operations = Object.values(app.swagger().paths ?? {}).flatMap((item) => Object.keys(item ?? {})).length
  t.ok(operations > 50, `the app has its operations (${operations})`)
  t.ok(builds.length > operations * 5, `a build for each schema part and each documented status (${builds.length})`)
  const failures: string[] = []
  for (const build of builds) {
    try {
      build()
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error))
    }
  }
  t.same(failures, [], 'none fails')
})
