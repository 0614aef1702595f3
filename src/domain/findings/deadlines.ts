const NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  eighteen: 18, twenty: 20, 'twenty-four': 24, thirty: 30
}
import { EARLIEST_YEAR, LATEST_YEAR, isoDateFromText, monthNumber } from '../shared/calendar-dates.ts'

function isoDate(year: number, monthIndex: number, day: number): string {
  return new Date(Date.UTC(year, monthIndex, day)).toISOString().slice(0, 10)
}

function addPeriod(from: string, amount: number, unit: string): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number]
  if (unit.startsWith('day')) return isoDate(y, m - 1, d + amount)
  if (unit.startsWith('week')) return isoDate(y, m - 1, d + amount * 7)
  const months = unit.startsWith('year') ? amount * 12 : amount
  // The same day so many months on, or the month's last day when it has no such day (31 Jan + 1 month).
  const target = new Date(Date.UTC(y, m - 1 + months, 1))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  return isoDate(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, lastDay))
}

/**
 * The date a deadline as published resolves to, where it can: a date written out ("31/03/2021",
 * "30 September 2023", "By 31 March 2021") is that date; a month ("By October 2018", "End of March
 * 2021", "October 2018") is the last day of that month; "Within three months" runs from the
 * inspection's publication date. "Immediately", "TBC" and anything else give null: the register keeps
 * the words and leaves the date to a person.
 */
export function resolveDeadline(deadlineText: string | null | undefined, publishedOn: string | null | undefined): string | null {
  if (!deadlineText) return null
  const text = deadlineText.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.]$/, '')
  const date = isoDateFromText(text.replace(/^(?:by|on or before|before) /, ''))
  if (date !== null) return date
  const month = /^(?:by )?(?:(?:the )?end of )?([a-z]+\.?),? (\d{4})$/.exec(text)
  if (month) {
    const number = monthNumber(month[1]!)
    const year = Number(month[2])
    if (number !== null && month[1]!.length >= 3 && year >= EARLIEST_YEAR && year <= LATEST_YEAR) return isoDate(year, number, 0)
  }
  const within = /^within (\d{1,4}|[a-z-]+)\s+(days?|weeks?|months?|years?)$/.exec(text)
  if (within && publishedOn) {
    const amount = /^\d+$/.test(within[1]!) ? Number(within[1]) : NUMBERS[within[1]!]
    if (amount === undefined) return null
    // A period that ends past the years a register holds is a slip, not a date ("within 9999 years").
    const date = addPeriod(publishedOn, amount, within[2]!)
    const year = Number(date.slice(0, 4))
    return /^\d{4}-/.test(date) && year >= EARLIEST_YEAR && year <= LATEST_YEAR ? date : null
  }
  return null
}
