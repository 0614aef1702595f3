import pino from 'pino'
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'
import { openDatabase } from './db/connect.ts'
import { prepareDatabase } from './prepare.ts'
import { pageCacheSettings, securitySettings, serverOptions, webhookSettings } from './server-options.ts'

const SHUTDOWN_GRACE_MS = 10_000

async function main(): Promise<void> {
  // Milliseconds since the process began (performance's time origin), at each step of the start.
  const startup: Record<string, number> = { loaded: Math.round(performance.now()) }
  const mark = (step: string) => (startup[step] = Math.round(performance.now()))
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(78) // EX_CONFIG
    }
    throw error
  }

  const options = serverOptions(config)
  const logger = pino({ level: config.logLevel })
  const database = await openDatabase(config, logger)
  mark('databaseOpen')
  const { generatedAdminKey } = await prepareDatabase(database, config, logger)
  mark('databasePrepared')
  if (generatedAdminKey) announceFirstKey(generatedAdminKey)

  const app = await buildApp({ server: options, database, webhooks: webhookSettings(config), security: securitySettings(config), pageCache: pageCacheSettings(config), auditSealMs: config.auditSealMs })
  mark('appBuilt')

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    const force = setTimeout(() => {
      app.log.error('in-flight requests did not finish in time; exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS)
    force.unref()
    try {
      await app.close()
      await database.close()
      process.exit(0)
    } catch (error) {
      app.log.error({ err: error }, 'error during shutdown')
      process.exit(1)
    }
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))

  await app.listen({ host: config.host, port: config.port })
  mark('listening')
  app.log.info(
    { database: database.backend, dataDir: database.backend === 'embedded' ? config.dataDir : undefined, startupMs: startup },
    `peel-register ready: API docs at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}/docs`
  )
}

/** Shown once, on the console, not in the structured log. */
function announceFirstKey(secret: string): void {
  process.stdout.write(
    [
      '',
      '================================================================================',
      ' First start: an admin API key was created. It is shown this once; store it now.',
      '',
      `   ${secret}`,
      '',
      ' Use it as  Authorization: Bearer <key>  (in Swagger UI: Authorize).',
      ' It is a national admin key: use it to create keys for each force and role.',
      '================================================================================',
      ''
    ].join('\n')
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`peel-register failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
