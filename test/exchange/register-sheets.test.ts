import t from 'tap'
import {
  DATE_HISTORY_SHEET,
  EVIDENCE_SHEET,
  FINDINGS_SHEET,
  INSPECTIONS_SHEET,
  MILESTONES_SHEET,
  ONGOING_ACTIONS_SHEET,
  REGISTER_SHEETS,
  UPDATES_SHEET,
  sheetCells,
  sheetsToDocument,
  writtenColumns
} from '../../src/domain/exchange/register-sheets.ts'
import { DOCUMENT_FORMAT, type RegisterDocument } from '../../src/domain/exchange/register-document.ts'
import { type ParsedSheet, type SheetSpec, normaliseName, parseSheet } from '../../src/domain/exchange/sheets/layout.ts'
import { readValue } from '../../src/domain/exchange/sheets/values.ts'
import { sparse } from './sheets-fixture.ts'

t.test('every code of every enum column is written as a label that imports back as that code', async (t) => {
  let checked = 0
  for (const spec of REGISTER_SHEETS) {
    for (const column of spec.columns.filter((c) => c.type === 'enum')) {
      const at = `${spec.name} / ${column.header}`
      t.ok(column.labels, `${at} has labels`)
      t.same(Object.keys(column.labels ?? {}).sort(), Object.keys(column.values ?? {}).sort(), `${at}: a label for every code, and no other`)
      for (const code of Object.keys(column.values ?? {})) {
        // A column read on import only is never written: its labels must still read back.
        if (column.importOnly) {
          t.same(readValue(column.labels![code]!, column), { value: code }, `${at}: "${column.labels![code]}" reads back as ${code}`)
          checked++
          continue
        }
        const [label] = sheetCells(spec, [{ [column.key]: code }], 'xlsx').cells[0]!.filter((cell) => cell !== null)
        t.equal(label, column.labels?.[code], `${at}: ${code} is written as its label`)
        t.notMatch(String(label), /_/, `${at}: ${code}'s label is words, not a code`)
        t.same(readValue(label ?? null, column), { value: code }, `${at}: "${String(label)}" reads back as ${code}`)
        const [csv] = sheetCells(spec, [{ [column.key]: code }], 'csv').cells[0]!.filter((cell) => cell !== null)
        t.equal(csv, code, `${at}: CSV keeps the code`)
        checked++
      }
    }
  }
  t.ok(checked >= 40, `${checked} codes checked`)
})

t.test('within a sheet, no two columns answer to the same name, export-only ones included', async (t) => {
  for (const spec of REGISTER_SHEETS) {
    const owners = new Map<string, string>()
    const clashes: string[] = []
    for (const column of spec.columns) {
      for (const name of new Set([column.key, column.header, ...(column.aliases ?? [])].map(normaliseName))) {
        if (owners.has(name)) clashes.push(`"${name}" is ${owners.get(name)} and ${column.key}`)
        owners.set(name, column.key)
      }
    }
    t.same(clashes, [], spec.name)
  }
})

t.test('export-only columns are recognised and ignored; import-only ones are read but never written', async (t) => {
  const parsed = parseSheet(
    FINDINGS_SHEET,
    sparse([
      ['Reference', 'Inspection', 'Inspection title', 'Created at (UTC)', 'Updated at (UTC)'],
      ['547', 'ipa-2019', 'PEEL integrated assessment 2019', 'not a date', '2020-06-01 09:30']
    ])
  )
  t.same(parsed.problems, [], 'nothing in them is checked')
  t.same(parsed.ignoredColumns, [], 'nor reported as ignored')
  t.same(parsed.records, [{ row: 2, values: { reference: '547', inspection: 'ipa-2019' } }])
  t.same(Object.keys(parsed.headers), ['reference', 'inspection'])

  for (const [spec, key] of [
    [UPDATES_SHEET, 'evidence'],
    [INSPECTIONS_SHEET, 'milestones'],
    [ONGOING_ACTIONS_SHEET, 'dates']
  ] as const) {
    t.notOk(writtenColumns(spec).some((c) => c.key === key), `${spec.name}: ${key} is not written`)
    t.notOk(sheetCells(spec, [], 'csv').columns.some((c) => c.header === spec.columns.find((s) => s.key === key)!.header))
  }
  const old = parseSheet(UPDATES_SHEET, sparse([['Finding', 'Created at', 'Position', 'Activities', 'Evidence'], ['547', '2020-06-01T09:30:00Z', 'P', 'A', '[{"title":"T","kind":"policy","location":null,"date":null}]']]))
  t.same(old.problems, [])
  t.same(old.records[0]!.values.evidence, [{ title: 'T', kind: 'policy', location: null, date: null }], 'an older file\'s JSON column is still read')
})

const UPDATE_ID = '0b7a3c1e-8d2f-4a6b-9c1d-2e3f4a5b6c7d'
const ACTION_ID = '1c8b4d2f-9e3a-4b7c-8d2e-3f4a5b6c7d8e'

/** A register with one inspection and one finding, an update on it and an ongoing action of that update. */
function base(): RegisterDocument {
  return {
    format: DOCUMENT_FORMAT,
    force: 'cleveland',
    governanceGroups: [],
    inspections: [{ key: 'ipa-2019', title: 'IPA 2019', kind: 'peel', category: 'local_peel', scope: 'force', year: 2019, milestones: [] }],
    findings: [
      {
        reference: '547',
        kind: 'recommendation',
        scope: 'force',
        title: 'T',
        text: 'T.',
        status: 'open',
        portalStatus: 'open',
        updates: [
          {
            id: UPDATE_ID,
            createdAt: '2020-06-01T09:30:00.000Z',
            position: 'P',
            activities: 'A',
            evidence: [],
            ongoingActions: [{ id: ACTION_ID, description: 'D', expectedCompletion: '2020-12-31', status: 'ongoing', dates: [] }]
          }
        ]
      }
    ]
  }
}

function sheets(...entries: Array<[SheetSpec, Array<Array<string | null>>]>): Map<SheetSpec, ParsedSheet> {
  return new Map(entries.map(([spec, rows]) => [spec, parseSheet(spec, sparse(rows))]))
}

t.test('the list sheets give each owner they name its items, in order, and name the rows of unknown owners', async (t) => {
  const { doc, problems, origins } = sheetsToDocument(
    base(),
    sheets(
      [MILESTONES_SHEET, [['Inspection', 'Kind', 'Title', 'Date', 'Date as published'], ['ipa-2019', 'PARM', 'Resourcing meeting', '19/09/2021', null], ['ipa-2019', 'Report publication', 'Report', null, 'February 2022'], ['ipa-2020', 'other', 'X', null, null]]],
      [EVIDENCE_SHEET, [['Update', 'Title', 'Kind'], [UPDATE_ID, 'Strategy', 'Policy'], [UPDATE_ID, 'Minutes', 'meeting record'], ['f0000000-0000-4000-8000-000000000000', 'Lost', 'Other']]],
      [DATE_HISTORY_SHEET, [['Ongoing action', 'Expected completion', 'Reason', 'Changed at (UTC)'], [ACTION_ID, '2020-12-31', null, '2020-06-01T09:30:00Z'], [ACTION_ID, '2021-03-31', 'Partner changed', '2020-09-01 10:00'], ['nope', null, null, '2020-06-01T09:30:00Z']]]
    )
  )
  t.same(doc.inspections[0]!.milestones, [
    { kind: 'parm', title: 'Resourcing meeting', date: '2021-09-19', dateText: null, note: null },
    { kind: 'report_publication', title: 'Report', date: null, dateText: 'February 2022', note: null }
  ])
  const update = doc.findings[0]!.updates![0]!
  t.same(update.evidence, [
    { title: 'Strategy', kind: 'policy', location: null, date: null },
    { title: 'Minutes', kind: 'meeting_record', location: null, date: null }
  ])
  t.same(update.ongoingActions![0]!.dates, [
    { expectedCompletion: '2020-12-31', reason: null, changedAt: '2020-06-01T09:30:00.000Z' },
    { expectedCompletion: '2021-03-31', reason: 'Partner changed', changedAt: '2020-09-01T10:00:00.000Z' }
  ])
  t.same(
    problems.map((p) => [p.sheet, p.row, p.column, p.message]),
    [
      ['Milestones', 4, 'Inspection', 'Inspection ipa-2020 is not in the register or the Inspections sheet'],
      ['Evidence', 4, 'Update', 'Update f0000000-0000-4000-8000-000000000000 is not on record or in the Updates sheet'],
      ['Date history', 4, 'Ongoing action', 'Ongoing action nope is not on record or in the Ongoing actions sheet']
    ]
  )
  t.match(origins.get('/findings/0/updates/0/evidence/1'), { sheet: 'Evidence', row: 3 }, 'each item knows its row, for problems found later')
  t.match(origins.get('/inspections/0/milestones/0'), { sheet: 'Milestones', row: 2 })
  t.match(origins.get('/findings/0/updates/0/ongoingActions/0/dates/1'), { sheet: 'Date history', row: 3 })
})

t.test('without their list sheets, updates and inspections keep their lists; an older JSON column still sets them', async (t) => {
  const register = base()
  register.findings[0]!.updates![0]!.evidence = [{ title: 'On record', kind: 'report', location: null, date: null }]
  const kept = sheetsToDocument(register, sheets([UPDATES_SHEET, [['Finding', 'Id', 'Created at (UTC)', 'Position', 'Activities'], ['547', UPDATE_ID, '2020-06-01T09:30:00.000Z', 'P', 'A']]]))
  t.same(kept.problems, [])
  t.same(kept.doc.findings[0]!.updates![0]!.evidence, [{ title: 'On record', kind: 'report', location: null, date: null }])

  const legacy = sheetsToDocument(
    base(),
    sheets(
      [UPDATES_SHEET, [['Finding', 'Id', 'Created at', 'Position', 'Activities', 'Evidence'], ['547', UPDATE_ID, '2020-06-01T09:30:00.000Z', 'P', 'A', '[{"title":"Old","kind":"data","location":null,"date":"2020-05-01"}]']]],
      [INSPECTIONS_SHEET, [['Key', 'Title', 'Kind', 'Category', 'Scope', 'Milestones'], ['ipa-2019', 'IPA 2019', 'peel', 'local_peel', 'force', '[{"kind":"other","title":"Old","date":null,"dateText":"2019","note":null}]']]]
    )
  )
  t.same(legacy.problems, [])
  t.same(legacy.doc.findings[0]!.updates![0]!.evidence, [{ title: 'Old', kind: 'data', location: null, date: '2020-05-01' }])
  t.same(legacy.doc.inspections[0]!.milestones, [{ kind: 'other', title: 'Old', date: null, dateText: '2019', note: null }])
})
