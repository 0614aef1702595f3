import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import type { Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import type { Config } from '../../src/config.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { securitySettings, serverOptions, webhookSettings } from '../../src/server-options.ts'
import { openTestDatabase, testConfig } from '../helper.ts'

export interface LoggedApp {
  app: FastifyInstance
  /** Every line the app logged so far, as written (JSON). */
  lines: string[]
}

/**
 * The application as buildTestApp builds it, but logging at `level` into memory: the same server
 * options, with the logger's destination (and level) changed only.
 */
export async function buildLoggedApp(t: Test, overrides: Partial<Config> = {}, level: pino.Level = 'trace'): Promise<LoggedApp> {
  const config = testConfig(overrides)
  const database = await openTestDatabase(t, config)
  await prepareDatabase(database, config, pino({ level: 'silent' }))
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''))
      callback()
    }
  })
  const server = serverOptions(config)
  const app = await buildApp({
    server: { ...server, logger: { ...(server.logger as object), level, stream } },
    database,
    webhooks: webhookSettings(config),
    security: securitySettings(config)
  })
  t.teardown(() => app.close())
  return { app, lines }
}
