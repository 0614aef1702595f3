const NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  eighteen: 18, twenty: 20, 'twenty-four': 24, thirty: 30
}
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

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
 * The date a deadline as published resolves to, where it can: "By October 2018" is the last day of
 * that month; "Within three months" runs from the inspection's publication date. "Immediately" and
 * anything else give null: the register keeps the words and leaves the date to a person.
 */
export function resolveDeadline(deadlineText: string | null | undefined, publishedOn: string | null | undefined): string | null {
  if (!deadlineText) return null
  const text = deadlineText.trim().toLowerCase()
  const by = /^by (?:the end of )?([a-z]+)\s+(\d{4})$/.exec(text)
  if (by && MONTHS.includes(by[1]!)) {
    const month = MONTHS.indexOf(by[1]!)
    return isoDate(Number(by[2]), month + 1, 0)
  }
  const within = /^within (\d+|[a-z-]+)\s+(days?|weeks?|months?|years?)$/.exec(text)
  if (within && publishedOn) {
    const amount = /^\d+$/.test(within[1]!) ? Number(within[1]) : NUMBERS[within[1]!]
    if (amount !== undefined) return addPeriod(publishedOn, amount, within[2]!)
  }
  return null
}
