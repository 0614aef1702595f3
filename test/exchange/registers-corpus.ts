import type { Test } from 'tap'
import { readCsv } from '../../src/domain/exchange/sheets/csv.ts'
import { readWorkbook } from '../../src/domain/exchange/sheets/xlsx-reader.ts'
import type { RegisterLayout, UploadFile } from '../fixtures/registers/layout.ts'
import { buildTestApp } from '../helper.ts'
import { multipart } from './multipart.ts'

/**
 * The corpus of registers laid out as forces lay them out (test/fixtures/registers): each file is
 * imported, dry run then for real, into a register of its own, and what the import says and what
 * the register then holds are compared with what the layout expects. The layouts are run from two
 * test files (registers-corpus.test.ts, registers-corpus-issue17.test.ts), so that each stays well
 * within tap's time limit for a file on a busy machine.
 *
 * REGISTERS_LAYOUT=<name>[,<name>] runs only the layouts named.
 */
const ONLY = process.env.REGISTERS_LAYOUT ? new Set(process.env.REGISTERS_LAYOUT.split(',')) : null

const isWorkbook = (data: Buffer) => data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))

interface ImportAnswer {
  valid: boolean
  changes: Record<string, { created: number; updated: number; unchanged: number }> | null
  problems: Array<{ sheet: string | null; row: number | null; column: string | null; field: string | null; message: string }>
  warnings: string[]
}

type Exported = { findings: Array<Record<string, unknown> & { reference: string }> }

/** The tests of the layouts given: the files open and build the same twice; the import gives what is expected. */
export function corpusTests(t: Test, layouts: RegisterLayout[]): void {
  for (const layout of layouts.filter((candidate) => ONLY === null || ONLY.has(candidate.name))) {
    t.test(`${layout.name}: the files open with the project's own reader, and build the same bytes twice`, async (t) => {
      const files = await layout.files()
      const again = await layout.files()
      t.ok(files.length > 0)
      for (const [i, file] of files.entries()) {
        t.ok(file.data.equals(again[i]!.data), `${file.filename} is deterministic`)
        const tables = isWorkbook(file.data) ? await readWorkbook(file.data) : [{ name: file.filename, rows: readCsv(file.data) }]
        t.ok(tables.length > 0 && tables.every((table) => table.rows.length > 0), `${file.filename} has rows in every sheet`)
      }
    })

    t.test(`${layout.name}: ${layout.summary}`, async (t) => {
      const app = await buildTestApp(t)
      const key = await app.createKey('registrar', layout.force)
      const before = await app.request({ method: 'POST', url: '/v1/imports', key, payload: layout.before })
      t.equal(before.statusCode, 200, `the register before the upload: ${before.body}`)
      const files = await layout.files()
      const upload = (dryRun: boolean) =>
        app.request({ method: 'POST', url: `/v1/imports?force=${layout.force}&dryRun=${dryRun}`, key, ...multipart(files.map((file: UploadFile) => ({ ...file }))) })
      const exportNow = async () => (await app.request({ method: 'GET', url: `/v1/exports/register?force=${layout.force}`, key })).json<Exported>().findings
      const expected = layout.expected
      const check = (answer: ImportAnswer, when: string) => {
        t.equal(answer.valid, expected.valid, `${when}: valid`)
        t.same(
          answer.problems.map((p) => [p.sheet, p.row, p.field]),
          expected.problems.map((p) => [p.sheet, p.row, p.field]),
          `${when}: the problems, by sheet, row and field`
        )
        expected.problems.forEach((problem, i) => t.match(answer.problems[i]?.message ?? '', problem.message, `${when}: problem ${i + 1} says what is wrong`))
        for (const warning of expected.warnings) t.ok(answer.warnings.some((w) => warning.test(w)), `${when}: a warning matches ${warning}`, { warnings: answer.warnings })
        if (expected.changes) {
          for (const [records, tally] of Object.entries(expected.changes)) t.same(answer.changes?.[records], tally, `${when}: ${records} created, updated, unchanged`)
        }
      }

      const registerBefore = await exportNow()
      const dry = await upload(true)
      t.equal(dry.statusCode, 200, dry.body)
      check(dry.json<ImportAnswer>(), 'dry run')
      t.same(await exportNow(), registerBefore, 'a dry run writes nothing')

      const real = await upload(false)
      if (!expected.valid) {
        t.equal(real.statusCode, 422, real.body)
        t.same(real.json<ImportAnswer>().problems, dry.json<ImportAnswer>().problems, 'the import reports what the dry run did')
        t.same(await exportNow(), registerBefore, 'nothing was written')
        return
      }
      t.equal(real.statusCode, 200, real.body)
      check(real.json<ImportAnswer>(), 'import')

      const register = new Map((await exportNow()).map((finding) => [finding.reference, finding]))
      for (const finding of expected.findings) {
        const held = register.get(finding.reference)
        t.ok(held, `${finding.reference} is in the register`)
        if (!held) continue
        const compared: Record<string, unknown> = Object.fromEntries(Object.keys(finding).map((field) => [field, held[field]]))
        // The export gives a due date only where one was given (a date worked out from the deadline's
        // words is left to be worked out again); the register's own due date is the finding's.
        if ('dueDate' in finding) {
          const response = await app.request({ method: 'GET', url: `/v1/findings?force=${layout.force}&reference=${encodeURIComponent(finding.reference)}`, key })
          compared.dueDate = response.json<{ items: Array<{ dueDate: string | null }> }>().items[0]?.dueDate
        }
        t.same(compared, finding, `${finding.reference} holds what the sheet says`)
      }

      const twice = await upload(false)
      t.equal(twice.statusCode, 200, twice.body)
      t.match(twice.json<ImportAnswer>().changes?.findings, { created: 0, updated: 0 }, 'the same file a second time changes nothing')
    })
  }
}
