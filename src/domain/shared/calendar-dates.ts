/**
 * Calendar dates as people write them in registers and deadlines. One reading for the spreadsheet
 * importer and the deadline resolver, so that a date the one accepts the other understands.
 */

/**
 * Dates outside these years are typing errors in a register, and the floor stops a stray number
 * such as 2018 in a date column from being read as a serial day in 1905.
 */
export const EARLIEST_YEAR = 1950
export const LATEST_YEAR = 2100

export const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

/** The forms `dateFromText` reads, for messages. */
export const DATE_FORMS = 'accepted: 2018-10-31, 31/10/2018 (day first), 31 October 2018 or a date cell'

/** Milliseconds for a calendar date and time, or null when there is no such date (31 February) or it is out of range. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number | null {
  if (year < EARLIEST_YEAR || year > LATEST_YEAR || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  return new Date(ms).getUTCDate() === day ? ms : null
}

/** 1 for "Jan", "january" or "Jan." (and "Sept"), null for a word that is no month. */
export function monthNumber(name: string): number | null {
  const word = name.toLowerCase().replace(/\.$/, '')
  if (word === 'sept') return 9
  const index = MONTHS.findIndex((month) => word.length >= 3 && month.startsWith(word))
  return index === -1 ? null : index + 1
}

/**
 * A date written as text, as milliseconds at midnight UTC: 2018-10-31, 31/10/2018 (day first, with
 * / . or -), 31 October 2018, 31st Oct 2018, 31 Oct. 2018; null for anything else.
 */
export function dateFromText(text: string): number | null {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  if (iso) return utcMs(Number(iso[1]), Number(iso[2]), Number(iso[3]))
  const uk = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/.exec(text)
  if (uk) return utcMs(Number(uk[4]), Number(uk[3]), Number(uk[1]))
  const words = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+\.?),?\s+(\d{4})$/i.exec(text)
  if (words) {
    const month = monthNumber(words[2]!)
    return month === null ? null : utcMs(Number(words[3]), month, Number(words[1]))
  }
  return null
}

/** The same, as 'YYYY-MM-DD'. */
export function isoDateFromText(text: string): string | null {
  const ms = dateFromText(text.trim())
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10)
}
