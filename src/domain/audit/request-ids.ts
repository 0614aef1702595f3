/**
 * The command line marks its audit entries with request ids `cli:<command>:<uuid>` (src/cli/context.ts),
 * and nothing else may: a caller's X-Request-Id in that namespace, in any case or with any of the
 * separators a request id may hold, is replaced by one of ours (server-options.ts).
 */
export const CLI_REQUEST_ID_PREFIX = 'cli:'
const CLI_NAMESPACE = /^cli(?:[:._-]|$)/i

export function inCliNamespace(requestId: string): boolean {
  return CLI_NAMESPACE.test(requestId)
}
