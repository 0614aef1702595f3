import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const API_VERSION = '1.0.0'

/** Builds the OpenAPI 3.1 document from the route schemas. */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'peel-register',
          version: API_VERSION,
          description:
            "A police force's register of HMICFRS inspection findings (causes of concern, recommendations, " +
            'areas for improvement), carried from open to closed by the inspectorate, with the PEEL assessment ' +
            'frameworks and the national picture of force gradings beside it.\n\n' +
            'Every `/v1` operation needs `Authorization: Bearer <api key>`; each operation says which roles may call it. ' +
            'Errors are RFC 9457 problem details (`application/problem+json`).'
        },
        tags: [
          { name: 'register', description: "A force's register: findings (causes of concern, recommendations, areas for improvement), their actions, the inspections they came from and the groups that monitor them." },
          { name: 'progress', description: 'Progress updates with evidence and ongoing actions (001 section 3.4), and reviews (3.5).' },
          { name: 'closure', description: 'Closure requests, from the board to the inspectorate’s Force Liaison Lead.' },
          { name: 'reports', description: 'What the board and analysts read: the summary table of 001 section 2.1, overdue items, findings by lead and by group, board packs and the gap against a framework.' },
          { name: 'exchange', description: 'A whole register in and out: export as JSON, CSV or XLSX, and import from the same, with a dry run.' },
          { name: 'events', description: 'The change feed: every write to a register as an event, in commit order, resumable by cursor.' },
          { name: 'webhooks', description: 'Events pushed to other systems: signed deliveries (Standard Webhooks), retried until they land.' },
          { name: 'forces', description: 'The territorial police forces of England and Wales.' },
          { name: 'frameworks', description: 'The PEEL assessment frameworks, every version, with their questions and criteria.' },
          { name: 'gradings', description: "Forces' published PEEL grades, nationally." },
          { name: 'practice', description: 'Effective and innovative practice noted in PEEL reports.' },
          { name: 'api-keys', description: 'Who may call the API: keys bound to a role and a force.' },
          { name: 'health', description: 'Liveness and readiness for orchestrators.' }
        ],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'An API key, as returned once by POST /v1/api-keys or printed on first start.'
            }
          }
        }
      },
      // Shared schemas keep their $id as their component name instead of def-0, def-1 ...
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
      }
    })
  },
  { name: 'openapi' }
)
