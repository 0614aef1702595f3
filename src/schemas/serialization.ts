import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type Serialize = (data: unknown) => string
type RouteDefinition = Parameters<ReturnType<ReturnType<typeof SerializerSelector>>>[0]

/**
 * Fastify's own response serializers (fast-json-stringify), built the first time a route answers
 * with a given status rather than when the route is registered. Building all of them up front
 * took seconds of every start (each build re-checks every shared component schema), mostly for
 * error responses a process rarely sends; now the first response per route and status pays a few
 * milliseconds. `onDeferred` receives each deferred build, so a test can run them all and catch a
 * bad schema before a caller does.
 */
export function lazySerializers(onDeferred?: (build: () => void) => void): NonNullable<FastifyServerOptions['schemaController']> {
  return {
    compilersFactory: {
      buildSerializer(externalSchemas: unknown, options: unknown) {
        const build = SerializerSelector()(externalSchemas, options as never)
        return (route: RouteDefinition) => {
          let serialize: Serialize | undefined
          const compile = () => (serialize ??= build(route))
          onDeferred?.(() => void compile())
          return (data: unknown) => compile()(data)
        }
      }
    }
  }
}
