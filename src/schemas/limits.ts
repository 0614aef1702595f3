import { type TStringOptions, Type } from 'typebox'

/**
 * The sizes the contract states, in one place. An input schema refuses anything bigger; a response
 * schema promises nothing bigger, so each bound covers every way a value can be written: the JSON
 * API, an import (register-document.ts, whose limits are the API's unless it always took more) and
 * the reference data (reference-sets.ts holds the files to REFERENCE when it loads them).
 */

/** The largest `integer` column, and so the largest version, position or count we store. */
export const INT32_MAX = 2_147_483_647

/** Longest strings, in characters. */
export const MAX_LENGTH = {
  uuid: 36,
  /** YYYY-MM-DD */
  date: 10,
  /** 2027-03-31T23:59:59.123456789+01:00: to the nanosecond, with an offset. */
  timestamp: 35,
  forceCode: 64,
  /** peel-2021 */
  frameworkKey: 9,
  questionRef: 20,
  reference: 60,
  inspectionKey: 80,
  /** An inspection key from an import, which has always taken longer ones than the API. */
  importedInspectionKey: 100,
  eventType: 100,
  /** server-options.ts honours a caller's X-Request-Id up to this length. */
  requestId: 128,
  /** An If-Match header: one ETag (`"42"`, `W/"42"`) is far shorter. */
  etag: 100,
  /** An If-None-Match header: the ETags a client holds of one record, a few at most. */
  etagList: 1000,
  idempotencyKey: 200,
  cursor: 1024,
  eventCursor: 200,
  url: 2000,
  /** An origin in CORS_ORIGINS: `https://` (8), a DNS name (at most 253) and `:65535` (6). */
  origin: 267,
  /** A problem's kind, `/problems/<slug>`, and its title. */
  problemType: 100,
  problemTitle: 100,

  /** Short labels: an inspection's label, a milestone's date as published. */
  label: 100,
  /** People, posts and groups: leads, chairs, key and group names, meeting frequencies, deadlines as published. */
  name: 200,
  title: 300,
  /** A finding's title from an import, which has always taken longer ones than the API. */
  importedTitle: 500,
  /** Search terms, a webhook's description. */
  shortText: 500,
  /** Where a piece of evidence is kept; a diagnostic quoting what a client sent. */
  location: 1000,
  note: 2000,
  description: 5000,
  /** What the inspectorate published, progress, rationales, summaries. */
  text: 20_000
} as const

/** Longest lists of what a person enters. */
export const MAX_ITEMS = {
  questionLinks: 20,
  actionsOnCreate: 100,
  evidence: 100,
  ongoingActions: 100,
  milestones: 50,
  eventTypes: 50,
  /** Problems listed for one request or one import (register-document.ts stops counting there). */
  problems: 500
} as const

/** The most URL_LIMIT_BYTES may be set to (config.ts): no path the service answers is longer. */
export const MAX_URL_LIMIT_BYTES = 65_536

/** The most any RATE_LIMIT_* or AUTH_FAILURE_LIMIT may be set to (config.ts). */
export const RATE_LIMIT_MAX = 1_000_000

/** The largest page a list serves (`limit`), and the change feed's. */
export const PAGE_LIMIT_MAX = 500
export const FEED_LIMIT_MAX = 1000

/** Bounds on the reference data (reference/*.json), checked when it is loaded. */
export const REFERENCE = {
  /** Force names as printed: 'Cleveland Police'. */
  name: 100,
  /** '2021/22', '2023-25'. */
  period: 20,
  /** Titles of frameworks, questions and areas; grades as printed. */
  title: 500,
  /** Sources, notes, criteria statements, introductions, rationales, practice examples' texts. */
  text: 2000,
  /** Notes of a file, criteria of a question, statements of a criterion, areas of a table. */
  listItems: 100,
  /** Questions of one framework version: the largest published (2018/19) has 102. */
  questions: 250,
  /** Framework versions; four are published. */
  frameworks: 20
} as const

/** The longest span between two dates the API takes (four-digit years), in days: bounds every day count. */
export const MAX_DAYS = (Date.parse('9999-12-31') - Date.parse('0000-01-01')) / 86_400_000

/** Text cut to `max` characters, with an ellipsis: for diagnostics that quote what a client sent. */
export function clip(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`
}

/** The marker FreeText sets; .spectral.yaml names it. */
export const FREE_TEXT = 'x-free-text'

/**
 * Words a person writes, which no pattern can describe: bounded, and marked so the contract lint
 * knows it is free text on purpose (see .spectral.yaml).
 */
export function FreeText(maxLength: number, options: TStringOptions = {}) {
  return Type.String({ ...options, maxLength, [FREE_TEXT]: true })
}

/** A count of records: a whole number, at most the largest the database counts in an integer. */
export const Count = (description?: string) =>
  Type.Integer({ format: 'int32', minimum: 0, maximum: INT32_MAX, ...(description ? { description } : {}) })

/** A number of days between two dates the API holds, either way. */
export const Days = (description?: string) =>
  Type.Integer({ format: 'int32', minimum: -MAX_DAYS, maximum: MAX_DAYS, ...(description ? { description } : {}) })

/**
 * The deepest nesting of arrays and objects a JSON body may have. Nothing in the contract nests
 * past a dozen levels; a body nested far deeper is an attack on whatever walks it recursively.
 */
export const MAX_JSON_DEPTH = 64
