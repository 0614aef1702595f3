import type { Db, Executor } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { HttpProblem, conflict, notFound, tooManyRequests } from '../../problems.ts'
import type { Principal } from '../access/roles.ts'
import type { Actor } from '../audit/audit.repository.ts'
import * as forces from '../forces/forces.repository.ts'
import { csvLine } from '../shared/csv.ts'
import { forceForWrite } from '../shared/force-scope.ts'
import { type ApplyReport, type ImportProgress, applyInTransaction, inTransaction, lockRegister } from './apply-document.ts'
import { exportDocument, exportRegister, streamFindings } from './export-document.ts'
import { type DocumentProblem, type RegisterDocument, RegisterDocumentError, referenceProblems, shapeProblems } from './register-document.ts'
import {
  FINDINGS_SHEET,
  REGISTER_SHEETS,
  type SheetImportProblem,
  documentRows,
  findingSheetRow,
  locate,
  sheetCells,
  sheetsToDocument,
  writtenColumns
} from './register-sheets.ts'
import { type UploadReading, type UploadedFile } from './read-upload.ts'
import { SIZE_LIMITS, SheetFileError, SheetLimitError } from './sheets/errors.ts'
import type { ParsedSheet, SheetSpec } from './sheets/layout.ts'
import { writeWorkbook } from './sheets/xlsx.ts'
import { ReadersBusy, readUploadInWorker } from './upload-readers.ts'
import { IMPORT_RESULT_LIMITS } from './exchange.schemas.ts'
import { clip } from '../../schemas/limits.ts'

export async function exportWorkbook(db: Db, force: string): Promise<Buffer> {
  const { doc, findingAside } = await exportRegister(db, force)
  const rows = documentRows(doc, findingAside)
  return writeWorkbook(
    REGISTER_SHEETS.map((spec) => {
      const { columns, cells } = sheetCells(spec, rows.get(spec) ?? [], 'xlsx')
      return { name: spec.name, columns, rows: cells }
    })
  )
}

/**
 * One sheet as CSV, a line at a time. The findings sheet (the register itself) is read from the
 * database a page at a time, so its memory stays flat however large the register; the other
 * sheets come from the whole document.
 */
export async function* exportCsv(db: Db, force: string, spec: SheetSpec): AsyncGenerator<string> {
  yield csvLine(writtenColumns(spec).map((c) => c.header))
  if (spec === FINDINGS_SHEET) {
    for await (const page of streamFindings(db, force)) {
      yield sheetCells(spec, page.map(findingSheetRow), 'csv').cells.map(csvLine).join('')
    }
    return
  }
  const rows = documentRows(await exportDocument(db, force)).get(spec) ?? []
  for (const cells of sheetCells(spec, rows, 'csv').cells) yield csvLine(cells)
}

// ---- import ----

export type { UploadedFile } from './read-upload.ts'

export type ImportInput = { kind: 'document'; data: unknown } | { kind: 'files'; files: UploadedFile[] }

export interface ImportResult {
  force: string
  dryRun: boolean
  valid: boolean
  changes: ApplyReport | null
  problems: SheetImportProblem[]
  warnings: string[]
}

const fromDocument = (problems: Array<{ path: string; message: string }>): SheetImportProblem[] =>
  problems.map((p) => ({ sheet: null, row: null, column: null, field: p.path.split('/').filter(Boolean).at(-1) ?? null, path: p.path, message: p.message }))

/**
 * A file the import cannot read at all: one message. 400 for a file that is not a spreadsheet, 413
 * for one past a size limit, 422 for one beyond Excel's grid or the time a reading may take; a
 * limit is named (`limit`, `max`) so a client can tell which.
 */
function unreadable(error: SheetFileError): HttpProblem {
  if (!(error instanceof SheetLimitError)) return new HttpProblem(400, 'unreadable-file', 'Unreadable file', error.message)
  const extras = { limit: error.limit, max: error.max }
  if (SIZE_LIMITS.has(error.limit)) return new HttpProblem(413, 'body-too-large', 'File too large', error.message, extras)
  return new HttpProblem(422, 'file-beyond-limits', 'File cannot be read within limits', error.message, extras)
}

/** The files read in a worker (see upload-readers.ts), as the register's sheets or a refusal. */
async function readFiles(files: UploadedFile[], force: string): Promise<UploadReading> {
  try {
    return await readUploadInWorker(files, force)
  } catch (error) {
    if (error instanceof SheetFileError) throw unreadable(error)
    if (error instanceof ReadersBusy && error.scope === 'owner') {
      throw tooManyRequests(`An upload for ${force} is being read already: wait for it to finish.`, { 'retry-after': String(error.retryAfterSeconds) })
    }
    if (error instanceof ReadersBusy) {
      throw new HttpProblem(503, 'busy', 'Service busy', 'Every upload reader is busy: try again shortly.', {}, { 'retry-after': String(error.retryAfterSeconds) })
    }
    throw error
  }
}

/**
 * Imports a whole register, or part of one, all or nothing. A JSON document is the register as
 * `GET /v1/exports/register` gives it; spreadsheets are read forgivingly (see register-sheets.ts)
 * and laid over the register as it stands. Every problem is reported at once, by sheet, row and
 * column (or by JSON pointer); a dry run reports them, and what would change, without writing.
 * `onProgress` follows the findings as they are written (see applyDocument).
 */
export async function importRegister(
  db: Db,
  principal: Principal,
  actor: Actor,
  query: { force?: string; dryRun?: boolean },
  input: ImportInput,
  options: { onProgress?: ImportProgress } = {}
): Promise<ImportResult> {
  const dryRun = query.dryRun ?? false
  const documentForce = input.kind === 'document' ? (input.data as { force?: unknown } | null)?.force : undefined
  const force = forceForWrite(principal, query.force ?? (typeof documentForce === 'string' ? documentForce : undefined), 'query')
  if (!(await forces.exists(db, force))) throw notFound(`No force with code ${force}.`)
  const result = (valid: boolean, changes: ApplyReport | null, problems: SheetImportProblem[], warnings: string[]): ImportResult => ({
    force,
    dryRun,
    valid,
    changes,
    ...bounded(problems, warnings)
  })

  const warnings: string[] = []
  const problems: SheetImportProblem[] = []
  let sheets: Map<SheetSpec, ParsedSheet> | null = null
  if (input.kind === 'files') {
    const reading = await readFiles(input.files, force)
    warnings.push(...reading.warnings)
    if (reading.problems.length > 0) return result(false, null, reading.problems.map((message) => ({ sheet: null, row: null, column: null, field: null, path: null, message })), warnings)
    if (reading.sheets.length === 0) {
      const names = REGISTER_SHEETS.map((s) => `"${s.name}"`).join(', ')
      return result(false, null, [{ sheet: null, row: null, column: null, field: null, path: null, message: `No sheet of a register was found: name the sheets (or CSV files) ${names}.` }], warnings)
    }
    sheets = new Map()
    for (const { spec: name, parsed } of reading.sheets) {
      sheets.set(REGISTER_SHEETS.find((spec) => spec.name === name)!, parsed)
      for (const p of parsed.problems) problems.push({ ...p, path: null })
    }
  } else if (typeof documentForce === 'string' && documentForce !== force) {
    return result(false, null, [{ sheet: null, row: null, column: null, field: 'force', path: '/force', message: `the document is the register of ${documentForce}, not ${force}` }], warnings)
  }

  try {
    const changes = await inTransaction(db, dryRun, async (trx) => {
      await lockRegister(trx, force)
      if (sheets) {
        // Rows with a bad value still go through, without it, so that every problem is found in one go.
        const built = sheetsToDocument(await exportDocument(trx, force), sheets)
        problems.push(...built.problems)
        warnings.push(...built.warnings)
        const shape = shapeProblems(built.doc)
        if (shape.length > 0) throw new LocatedProblems([...problems, ...shape.map((p) => locate(p.path, p.message, built.origins))])
        if (problems.length > 0) {
          // Values were refused: the links between the rows are checked all the same, so that one round
          // of corrections is enough (a cell that already has its problem gets no second one).
          const seen = new Set(problems.map((p) => `${p.sheet}|${p.row}|${p.field}`))
          const links = referenceProblems(built.doc).map((p) => locate(p.path, p.message, built.origins))
          throw new LocatedProblems([...problems, ...links.filter((p) => !seen.has(`${p.sheet}|${p.row}|${p.field}`))])
        }
        return apply(trx, actor, built.doc, (p) => locate(p.path, p.message, built.origins), options)
      }
      const data = (input as { data: unknown }).data
      const shape = shapeProblems(data)
      if (shape.length > 0) throw new LocatedProblems(fromDocument(shape))
      return apply(trx, actor, data as RegisterDocument, (p) => fromDocument([p])[0]!, options)
    })
    return result(true, changes, [], warnings)
  } catch (error) {
    if (error instanceof LocatedProblems) return result(false, null, sortProblems(error.problems), warnings)
    if (isUniqueViolation(error, 'findings_reference')) throw conflict('A finding with one of these references was created while the import ran: try again.')
    throw error
  }
}

/**
 * Within the sizes the contract gives a result (ImportResultSchema): the first problems and
 * warnings, and each cut short where it quotes a file (a header may be as long as a cell).
 */
function bounded(problems: SheetImportProblem[], warnings: string[]): Pick<ImportResult, 'problems' | 'warnings'> {
  const cut = (text: string | null) => (text === null ? null : clip(text, IMPORT_RESULT_LIMITS.text))
  return {
    problems: problems.slice(0, IMPORT_RESULT_LIMITS.problems).map((p) => ({
      sheet: cut(p.sheet),
      row: p.row,
      column: cut(p.column),
      field: cut(p.field),
      path: cut(p.path),
      message: clip(p.message, IMPORT_RESULT_LIMITS.text)
    })),
    warnings: warnings.slice(0, IMPORT_RESULT_LIMITS.warnings).map((w) => clip(w, IMPORT_RESULT_LIMITS.text))
  }
}

/** Applies a well-shaped document, its own cross-reference problems reported with the register's. */
async function apply(
  trx: Executor,
  actor: Actor,
  doc: RegisterDocument,
  where: (p: DocumentProblem) => SheetImportProblem,
  options: { onProgress?: ImportProgress }
): Promise<ApplyReport> {
  try {
    return await applyInTransaction(trx, actor, doc, referenceProblems(doc), options)
  } catch (error) {
    if (error instanceof RegisterDocumentError) throw new LocatedProblems(error.problems.map(where))
    throw error
  }
}

/** Sheet by sheet (in the order first met), row by row within a sheet; problems without a sheet last. */
function sortProblems(problems: SheetImportProblem[]): SheetImportProblem[] {
  const sheets = [...new Set(problems.map((p) => p.sheet))].sort((a, b) => (a === null ? 1 : b === null ? -1 : 0))
  return sheets.flatMap((sheet) => problems.filter((p) => p.sheet === sheet).sort((a, b) => (a.row ?? 0) - (b.row ?? 0)))
}

class LocatedProblems extends Error {
  constructor(readonly problems: SheetImportProblem[]) {
    super('import problems')
  }
}
