import ExcelJS from 'exceljs'
import t from 'tap'
import { buildTestApp, loadExample } from '../helper.ts'
import { XLSX, multipart } from './multipart.ts'

/**
 * Issue 17's five failures, as a force's register really holds them: repeated references, a real
 * "Target date" column, a sheet of any name, cells merged down over action rows, closed findings.
 */

const { request, createKey, database } = await buildTestApp(t)
await loadExample(database)
const registrar = await createKey('registrar', 'cleveland')

const finding = async (reference: string) =>
  (await request({ method: 'GET', url: `/v1/findings?force=cleveland&reference=${encodeURIComponent(reference)}` })).json().items[0]
const actionsOf = async (reference: string) => {
  const doc = (await request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })).json()
  return doc.findings.find((f: { reference: string }) => f.reference === reference)?.actions
}
const upload = (data: Buffer | string, query = 'force=cleveland', filename = 'register.xlsx') =>
  request({ method: 'POST', url: `/v1/imports?${query}`, key: registrar, ...multipart([{ field: 'file', filename, contentType: typeof data === 'string' ? 'text/csv' : XLSX, data }]) })

async function workbook(name: string, rows: unknown[][], shape: (sheet: ExcelJS.Worksheet) => void = () => {}): Promise<Buffer> {
  const book = new ExcelJS.Workbook()
  const sheet = book.addWorksheet(name)
  for (const row of rows) sheet.addRow(row)
  shape(sheet)
  return Buffer.from(await book.xlsx.writeBuffer())
}

t.test('a reference twice is a problem naming both rows, never a silent merge', async (t) => {
  const csv = 'Reference,Type,Recommendation\r\nDUP-1,AFI,Do a thing\r\nDUP-1,AFI,Do a thing again\r\n'
  const res = await upload(csv, 'force=cleveland&dryRun=true', 'register.csv')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.valid, false)
  t.equal(body.changes, null)
  t.match(body.problems, [{ sheet: 'register', row: 3, column: 'Reference', field: 'reference', message: /DUP-1 is on rows 2 and 3 with a different Recommendation \("Do a thing" and "Do a thing again"\)/ }])
  t.equal(body.problems.length, 1)

  const same = await upload('Reference,Type,Recommendation\r\nDUP-2,AFI,Do a thing\r\nDUP-2,AFI,Do a thing\r\n', 'force=cleveland&dryRun=true', 'register.csv')
  t.match(same.json().problems, [{ row: 3, field: 'reference', message: /DUP-2 is on rows 2 and 3: a reference names one finding, and one row would silently replace the other/ }])
  t.notOk(await finding('DUP-1'), 'nothing written')
})

t.test('rows that repeat a reference with an action each are the finding and its actions', async (t) => {
  const csv = [
    'Ref,Type,Recommendation,Action,Action status,Owner',
    'ACT-1,Recommendation,Improve the timeliness of referrals.,Audit 50 referrals,complete,DCI A',
    'ACT-1,Recommendation,Improve the timeliness of referrals.,Revise the MASH guidance,,DCI A',
    ',,,Brief the control room,,DCI B',
    'ACT-2,AFI,Review the MARAC process.,,,DI C'
  ].join('\r\n')
  const res = await upload(csv, 'force=cleveland', 'register.csv')
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.valid, true, JSON.stringify(body.problems))
  t.match(body.changes.findings, { created: 2 })
  t.match(body.warnings, [/row 4: an action of ACT-1 whose Owner differ from the finding's; kept in the action's text/])
  t.strictSame(await actionsOf('ACT-1'), [
    { text: 'Audit 50 referrals', status: 'done' },
    { text: 'Revise the MASH guidance', status: 'open' },
    { text: 'Brief the control room (Owner: DCI B)', status: 'open' }
  ])
  t.strictSame(await actionsOf('ACT-2'), [])
  t.match(await finding('ACT-1'), { deliveryLead: 'DCI A' })

  const both = await upload(
    await (async () => {
      const book = new ExcelJS.Workbook()
      book.addWorksheet('Findings').addRows([['Ref', 'Action'], ['ACT-2', 'From the findings sheet']])
      book.addWorksheet('Actions').addRows([['Finding', 'Action'], ['ACT-2', 'From the actions sheet']])
      return Buffer.from(await book.xlsx.writeBuffer())
    })(),
    'force=cleveland&dryRun=true'
  )
  t.match(both.json().problems, [{ sheet: 'Actions', row: 2, message: /ACT-2 has its actions on the Findings sheet \(row 2 and below\) as well as here/ }])
})

t.test('cells merged down over action rows are read as Excel shows them', async (t) => {
  const data = await workbook(
    'HMICFRS Recs Register',
    [
      ['Force HMICFRS register: open items'],
      [],
      ['Rec No.', 'Type', 'Recommendation', 'Actions to be taken', 'Owner', 'Target date'],
      ['MRG-1', 'Recommendation', 'Ensure that referral of standard-risk DA victims is timely.', 'Review the referral pathway', 'Supt PP', new Date(Date.UTC(2021, 2, 31))],
      [null, null, null, 'Train the CAT team', null, null],
      [null, null, null, 'Audit a sample each quarter', null, null],
      ['MRG-2', 'AFI', 'Improve supervision of investigations.', 'Supervision audit', 'DCI Crime', 'TBC']
    ],
    (sheet) => {
      for (const column of ['A', 'B', 'C', 'E', 'F']) sheet.mergeCells(`${column}4:${column}6`)
    }
  )
  const res = await upload(data)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.valid, true, JSON.stringify(body.problems))
  t.match(body.changes.findings, { created: 2 })
  t.ok(body.warnings.includes('Sheet "HMICFRS Recs Register" is read as the Findings sheet: its header (Rec No., Type, Recommendation, Actions to be taken, Owner, Target date) is a register\'s.'), body.warnings.join('\n'))
  t.strictSame((await actionsOf('MRG-1')).map((a: { text: string }) => a.text), ['Review the referral pathway', 'Train the CAT team', 'Audit a sample each quarter'])
  t.match(await finding('MRG-1'), { dueDate: '2021-03-31', deadlineText: null, deliveryLead: 'Supt PP' })
  t.match(await finding('MRG-2'), { dueDate: null, deadlineText: 'TBC' })
})

t.test('a real "Target date" column: dates in every form are due dates, words are the deadline', async (t) => {
  const data = await workbook('Sheet1', [
    ['Rec No.', 'Type', 'Recommendation', 'Target date'],
    ['TD-1', 'AFI', 'A date cell.', new Date(Date.UTC(2022, 5, 30))],
    ['TD-2', 'AFI', 'Day first.', '31/03/2021'],
    ['TD-3', 'AFI', 'In words.', '30 September 2023'],
    ['TD-4', 'AFI', 'A month.', 'By October 2018'],
    ['TD-5', 'AFI', 'To be decided.', 'TBC'],
    ['TD-6', 'AFI', 'Now.', 'immediately'],
    ['TD-7', 'AFI', 'A serial number.', 44651]
  ])
  const res = await upload(data)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.valid, true, JSON.stringify(body.problems))
  t.match(body.warnings, [
    /Sheet "Sheet1" is read as the Findings sheet/,
    'Sheet "Sheet1", row 5: Target date "By October 2018" is not a date: kept as the deadline\'s words, due 2018-10-31.',
    'Sheet "Sheet1", row 6: Target date "TBC" is not a date: kept as the deadline\'s words, with no due date (none can be worked out from them).',
    'Sheet "Sheet1", row 7: Target date "immediately" is not a date: kept as the deadline\'s words, with no due date (none can be worked out from them).'
  ])
  const expected: Array<[string, string | null, string | null]> = [
    ['TD-1', '2022-06-30', null],
    ['TD-2', '2021-03-31', null],
    ['TD-3', '2023-09-30', null],
    ['TD-4', '2018-10-31', 'By October 2018'],
    ['TD-5', null, 'TBC'],
    ['TD-6', null, 'immediately'],
    ['TD-7', '2022-03-31', null]
  ]
  for (const [reference, dueDate, deadlineText] of expected) t.match(await finding(reference), { dueDate, deadlineText }, reference)

  // The export keeps the words and shows the date worked out from them beside, for a person to filter by.
  const csv = (await request({ method: 'GET', url: '/v1/exports/register?force=cleveland&format=csv&sheet=findings' })).body.split('\r\n')
  const header = csv[0]!.split(',')
  const row = csv.find((line) => line.startsWith('TD-4,'))!.split(',')
  const cell = (name: string) => row[header.indexOf(name)]
  t.same([cell('Deadline'), cell('Due date'), cell('Worked-out due date')], ['By October 2018', '', '2018-10-31'])

  // A deadline-text column that holds a date written out: the date is the due date, the words kept.
  const text = await upload('Reference,Type,Text,Deadline\r\nTD-8,AFI,Text.,31/12/2024\r\n', 'force=cleveland', 'register.csv')
  t.equal(text.json().valid, true, text.body)
  t.match(await finding('TD-8'), { dueDate: '2024-12-31', deadlineText: '31/12/2024' })

  // Digits that try to be a date and are not one are still refused.
  const wrong = await upload('Reference,Type,Text,Target date\r\nTD-9,AFI,Text.,31/02/2021\r\n', 'force=cleveland&dryRun=true', 'register.csv')
  t.match(wrong.json().problems, [{ row: 2, column: 'Target date', message: /is not a date/ }])
})

t.test('a sheet of any name is read by its header, and two alike are a problem naming them', async (t) => {
  const two = new ExcelJS.Workbook()
  two.addWorksheet('Sheet1').addRows([['Rec No.', 'Type', 'Recommendation'], ['NM-1', 'AFI', 'One.']])
  two.addWorksheet('Sheet2').addRows([['Ref', 'Type', 'Recommendation', 'Owner'], ['NM-2', 'AFI', 'Two.', 'X']])
  two.addWorksheet('Notes').addRows([['Updated monthly by the registrar.']])
  const res = await upload(Buffer.from(await two.xlsx.writeBuffer()), 'force=cleveland&dryRun=true')
  const body = res.json()
  t.equal(body.valid, false)
  t.match(body.problems, [{ sheet: null, message: 'Sheets "Sheet1", "Sheet2" all look like the Findings sheet by their headers: name the one to import "Findings" (or remove the others).' }])
  t.match(body.warnings, ['Sheet "Notes" is not part of a register and was ignored: no header row a register\'s sheet has was found in it.'])

  const named = new ExcelJS.Workbook()
  named.addWorksheet('Findings').addRows([['Reference', 'Kind', 'Text'], ['NM-3', 'AFI', 'Three.']])
  named.addWorksheet('Copy').addRows([['Ref', 'Type', 'Recommendation'], ['NM-4', 'AFI', 'Four.']])
  const second = await upload(Buffer.from(await named.xlsx.writeBuffer()), 'force=cleveland&dryRun=true')
  t.match(second.json(), { valid: false, changes: null })
  t.match(second.json().problems, [{ message: 'Sheet "Copy" looks like the Findings sheet, which "Findings" is already: put their rows on one sheet, or remove the one not to import.' }])

  // A tracker of actions under no name is read as the Actions sheet, not as findings with a status.
  const tracker = new ExcelJS.Workbook()
  tracker.addWorksheet('Sheet1').addRows([['Ref', 'Action', 'Status'], ['461', 'Brief all staff', 'Done'], ['461', 'Audit 20 cases', 'Open']])
  const actions = await upload(Buffer.from(await tracker.xlsx.writeBuffer()), 'force=cleveland&dryRun=true')
  t.match(actions.json(), { valid: true, changes: { findings: { updated: 1 } } })
  t.match(actions.json().warnings, ['Sheet "Sheet1" is read as the Actions sheet: its header (Ref, Action, Status) is a register\'s.'])
  t.same(actions.json().changes.changedFindings, [{ reference: '461', fields: ['actions'] }])
})

t.test('a finding imported as closed is closed on the portal, unless the sheet says otherwise', async (t) => {
  const csv = [
    'Reference,Type,Recommendation,Status,Portal status',
    'CL-1,AFI,Closed one.,Closed,',
    'CL-2,AFI,Closed but open on the portal.,Closed,Open',
    'CL-3,AFI,Still open.,Open,'
  ].join('\r\n')
  const res = await upload(csv, 'force=cleveland', 'register.csv')
  t.equal(res.json().valid, true, res.body)
  t.match(await finding('CL-1'), { status: 'closed', portalStatus: 'closed', closedVia: 'import' })
  t.match(await finding('CL-2'), { status: 'closed', portalStatus: 'open' })
  t.match(await finding('CL-3'), { status: 'open', portalStatus: 'open' })
  const noPortal = await upload('Reference,Status\r\nCL-3,Closed\r\n', 'force=cleveland', 'register.csv')
  t.equal(noPortal.json().valid, true, noPortal.body)
  t.match(noPortal.json().warnings, ['Sheet "register", row 2: CL-3 is closed by this import (it was open).'])
  t.match(await finding('CL-3'), { status: 'closed', portalStatus: 'closed' })

  // A sheet that does not give the status leaves the portal alone, even for a finding closed and
  // still open on the portal (say, one waiting for the inspectorate's sign-off).
  const leads = await upload('Reference,Force lead\r\nCL-2,ACC New Lead\r\n', 'force=cleveland', 'register.csv')
  t.equal(leads.json().valid, true, leads.body)
  t.same(leads.json().changes.changedFindings, [{ reference: 'CL-2', fields: ['forceLead'] }])
  t.match(await finding('CL-2'), { status: 'closed', portalStatus: 'open', forceLead: 'ACC New Lead' })
})

t.test('the import report names the fields a sheet changed on each finding already on record', async (t) => {
  const before = await finding('547')
  const csv = `Reference,Force lead,Target date\r\n547,DCC Report,By March 2030\r\n548,${(await finding('548')).forceLead ?? ''},\r\n`
  const res = await upload(csv, 'force=cleveland&dryRun=true', 'register.csv')
  t.equal(res.json().valid, true, res.body)
  const changed = res.json().changes.changedFindings
  t.match(changed.find((c: { reference: string }) => c.reference === '547'), { fields: ['deadlineText', 'dueDate', 'forceLead'] })
  t.equal(changed.length, res.json().changes.findings.updated)
  t.same((await finding('547')).version, before.version, 'a dry run writes nothing')
})

t.test('several tables on one sheet, each titled by its kind, and a totals row at the bottom', async (t) => {
  const data = await workbook('Appendix A', [
    ['Appendix A: HMICFRS open items, PEEL 2019'],
    [],
    ['Causes of concern'],
    ['Ref', 'Description', 'Lead'],
    ['TB-CoC1', 'The force needs to improve how it protects vulnerable people.', 'ACC Crime'],
    [],
    ['Areas for improvement (AFIs)'],
    ['Ref', 'Area for improvement', 'Lead', 'Days open'],
    ['TB-AFI1', 'The force should improve its crime data integrity.', 'Supt Standards', 400],
    ['TB-AFI2', 'The force should improve supervision of investigations.', 'DCI Crime', 380],
    ['Total', null, null, 780]
  ])
  const res = await upload(data)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.equal(body.valid, true, JSON.stringify(body.problems))
  t.match(body.changes.findings, { created: 3 })
  t.strictSame(body.warnings, [
    'Sheet "Appendix A" is read as the Findings sheet: its header (Ref, Description, Lead) is a register\'s.',
    'Sheet "Appendix A": column "Days open" is not part of a register and was ignored.',
    'Sheet "Appendix A": row 8 starts another table, titled "Areas for improvement (AFIs)" (row 7), read with its own header.',
    'Sheet "Appendix A": row 11 ("Total") is a totals row and was skipped.',
    'Sheet "Appendix A": findings of the table titled "Causes of concern" that give no kind are read as causes of concern.',
    'Sheet "Appendix A": findings of the table titled "Areas for improvement (AFIs)" that give no kind are read as areas for improvement.'
  ])
  t.match(await finding('TB-CoC1'), { kind: 'cause_of_concern', forceLead: 'ACC Crime' })
  t.match(await finding('TB-AFI1'), { kind: 'area_for_improvement', forceLead: 'Supt Standards' })
  t.match(await finding('TB-AFI2'), { kind: 'area_for_improvement' })
})

t.test('one round of corrections: a refused value does not hide what is wrong with the links between rows', async (t) => {
  const csv = ['Reference,Type,Recommendation,Board,Parent', 'ONE-1,Suggestion,Text one.,,', 'ONE-2,AFI,Text two.,No such board,', 'ONE-3,Rec,Text three.,,ONE-2'].join('\r\n')
  const res = await upload(csv, 'force=cleveland&dryRun=true', 'register.csv')
  t.match(res.json(), { valid: false, changes: null })
  t.match(res.json().problems, [
    { row: 2, field: 'kind', message: /Suggestion/ },
    { row: 3, field: 'governanceGroup', message: /No such board is not a group/ },
    { row: 4, field: 'parent', message: /ONE-2 is not a cause of concern/ }
  ])
  t.equal(res.json().problems.length, 3)
})

t.test('what a sheet does not say, it leaves alone: actions, kinds, and rows beyond a table', async (t) => {
  const before = await actionsOf('ACT-1')
  t.ok(before.length > 0)
  const emptyAction = await upload('Ref,Owner,Action\r\nACT-1,DCI Other,\r\n', 'force=cleveland', 'register.csv')
  t.equal(emptyAction.json().valid, true, emptyAction.body)
  t.strictSame(await actionsOf('ACT-1'), before, 'an empty Action cell keeps the actions on record')

  // A title naming a kind gives new findings their kind, never changes one on record.
  const titled = await upload('HMICFRS Recommendations Register\r\nRef,Force lead\r\nTD-1,ACC X\r\n', 'force=cleveland', 'register.csv')
  t.equal(titled.json().valid, true, titled.body)
  t.match(await finding('TD-1'), { kind: 'area_for_improvement', forceLead: 'ACC X' })

  // An action-only row under a totals row or a new header continues nothing.
  const orphan = await upload(['Ref,Type,Recommendation,Action', 'ORP-1,AFI,Text.,First', 'Total,,,', ',,,Stray'].join('\r\n'), 'force=cleveland&dryRun=true', 'register.csv')
  t.match(orphan.json(), { valid: false })
  t.match(orphan.json().problems, [{ row: 4, field: 'reference', message: /empty/ }])
})
