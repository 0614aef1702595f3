import t from 'tap'
import { resolveDeadline } from '../../src/domain/findings/deadlines.ts'

t.test('a deadline as registers write it resolves to the date it means', async (t) => {
  const cases: Array<[string, string | null, string | null]> = [
    // 002's form: the month's last day.
    ['By October 2018', null, '2018-10-31'],
    ['by the end of February 2024', null, '2024-02-29'],
    ['End of March 2021', null, '2021-03-31'],
    ['Sept 2023', null, '2023-09-30'],
    // A date written out, in any form the spreadsheet importer accepts.
    ['31/03/2021', null, '2021-03-31'],
    ['31.03.2021', null, '2021-03-31'],
    ['2021-03-31', null, '2021-03-31'],
    ['30 September 2023', null, '2023-09-30'],
    ['30th Sept 2023', null, '2023-09-30'],
    ['By 31 March 2021', null, '2021-03-31'],
    ['  by  31/03/2021. ', null, '2021-03-31'],
    // From the publication date, where there is one.
    ['Within three months', '2019-01-31', '2019-04-30'],
    ['Within 6 weeks', '2019-01-01', '2019-02-12'],
    ['Within three months', null, null],
    // Words a person must turn into a date.
    ['Immediately', '2019-01-01', null],
    ['TBC', null, null],
    ['Ongoing', null, null],
    ['31/02/2021', null, null],
    ['May', null, null],
    ['Octember 2018', null, null],
    ['By October 1850', null, null],
    // Periods past the years a register holds, or numbers no deadline has, are words, never a crash.
    ['Within 9999 years', '2021-01-15', null],
    ['Within 99999999999 days', '2021-01-15', null],
    ['Within 300000 years', '2021-01-15', null],
    ['Within 79 years', '2021-01-15', '2100-01-15']
  ]
  for (const [text, published, expected] of cases) t.equal(resolveDeadline(text, published), expected, `${text} (published ${published ?? 'no date'})`)
  t.equal(resolveDeadline(null, null), null)
  t.equal(resolveDeadline('', '2019-01-01'), null)
})
