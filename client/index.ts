/**
 * A typed client for the peel-register API: openapi-fetch over the types generated from
 * openapi/openapi.json (client/schema.ts), so paths, parameters, bodies and answers are checked
 * by the compiler against the contract.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch'
import type { components, paths } from './schema.ts'

export type { components, operations, paths } from './schema.ts'

/** The named schemas of the contract: `Schemas['Finding']`, `Schemas['ClosureRequest']`... */
export type Schemas = components['schemas']
/** The RFC 9457 problem document every error answers with. */
export type Problem = Schemas['Problem']

/**
 * The media types answers are typed from: JSON bodies and problem documents. The CSV and
 * spreadsheet variants of a few operations need `parseAs: 'text'` or `'blob'` and a type of your own.
 */
type JsonMediaType = 'application/json' | 'application/problem+json'

export type PeelRegisterClient = Client<paths, JsonMediaType>

export interface PeelRegisterClientOptions extends Omit<ClientOptions, 'baseUrl' | 'headers'> {
  /** Headers sent with every request, besides Authorization. */
  headers?: Record<string, string>
}

/**
 * A client for the service at `baseUrl` (its root, without `/v1`: `http://127.0.0.1:3000`), every
 * request carrying `Authorization: Bearer <apiKey>`. Answers are `{ data, error, response }`:
 * `data` on 2xx, `error` (a Problem) otherwise, and `response` for headers such as `ETag`.
 */
export function createPeelRegisterClient(baseUrl: string, apiKey: string, options: PeelRegisterClientOptions = {}): PeelRegisterClient {
  const { headers, ...rest } = options
  return createClient<paths, JsonMediaType>({
    ...rest,
    baseUrl,
    headers: { ...headers, authorization: `Bearer ${apiKey}` }
  })
}
