import t from 'tap'
import pino from 'pino'
import { Ajv } from 'ajv'
import type { TSchema } from 'typebox'
import { componentSchemas } from '../../src/schemas/components.ts'
import type { ValidatorSource } from '../../src/schemas/validation.ts'
import { buildApp } from '../../src/app.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { serverOptions } from '../../src/server-options.ts'
import { openTestDatabase, testConfig } from '../helper.ts'

// Validators and serializers are built on first use, so a start stays quick. This builds every one
// of them, so a schema either cannot compile surfaces here, not as a 500 on some rare error path.
t.test('every validator and response serializer of every route builds, from valid JSON Schema', async (t) => {
  const config = testConfig()
  const database = await openTestDatabase(t, config)
  await prepareDatabase(database, config, pino({ level: 'silent' }))
  const builds: Array<() => void> = []
  const validated: ValidatorSource[] = []
  const app = await buildApp({
    server: serverOptions(config),
    database,
    onDeferredCompile: (build, validator) => {
      builds.push(build)
      if (validator) validated.push(validator)
    }
  })
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

  // The service's validators skip checking schemas against JSON Schema's meta-schema (it cost every
  // start some 50 ms), so that check is made here, for every shared schema and every input schema.
  const meta = new Ajv({ strict: false })
  const invalid = (schema: TSchema) => (meta.validateSchema(schema) ? null : meta.errorsText(meta.errors))
  t.ok(validated.length > 50, `input schemas seen (${validated.length})`)
  const breaking = [
    ...componentSchemas.map((schema) => [(schema as { $id?: string }).$id, invalid(schema)]),
    ...validated.map((input) => [`${input.method} ${input.url} ${input.httpPart}`, invalid(input.schema)])
  ].filter(([, error]) => error !== null)
  t.same(breaking, [], 'every shared schema and every input schema is valid JSON Schema')
  t.notOk(meta.validateSchema({ type: 'strnig' }), 'and that check can fail')
})

