import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DatabaseHandle } from '../../db/connect.ts'
import type { Db } from '../../db/database.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    database: DatabaseHandle
  }
}

/**
 * Shares the one Kysely instance (one pool) with every route. The app does not own it: whoever
 * opened the database closes it, after the app has drained its in-flight requests.
 */
export default fp(
  async function db(app: FastifyInstance, options: { database: DatabaseHandle }) {
    app.decorate('database', options.database)
    app.decorate('db', options.database.db)
  },
  { name: 'db' }
)
