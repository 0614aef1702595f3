import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { sealAudit } from '../../domain/audit/audit.repository.ts'

/** Entries sealed per statement: a round repeats until fewer come back. */
export const SEAL_BATCH = 1000

/**
 * Seals committed audit entries into the hash chain every `intervalMs`, off the write path (why, in
 * migrations/2026-12-07T20-20-00-audit-seals.ts). Any number of instances may run it: the database
 * lets one seal at a time, and the others' rounds find the lock taken and return. A last round on
 * close leaves a stopped service's log sealed to its end.
 */
export default fp(
  async function auditSealer(app: FastifyInstance, options: { intervalMs: number }) {
    if (options.intervalMs === 0) return
    const log = app.log.child({ component: 'audit-seal' })
    let timer: NodeJS.Timeout | undefined
    let running: Promise<void> | null = null
    let stopped = false

    const round = async () => {
      try {
        while ((await sealAudit(app.db, SEAL_BATCH)) === SEAL_BATCH);
      } catch (error) {
        log.warn({ err: { message: (error as Error).message, code: (error as { code?: string }).code } }, 'sealing the audit log failed; the next round tries again')
      }
    }
    const schedule = () => {
      timer = setTimeout(() => {
        running = round().finally(() => {
          running = null
          if (!stopped) schedule()
        })
      }, options.intervalMs)
      timer.unref()
    }

    app.addHook('onReady', async () => schedule())
    app.addHook('onClose', async () => {
      stopped = true
      clearTimeout(timer)
      await running
      await round()
    })
  },
  { name: 'audit-sealer', dependencies: ['db'] }
)
