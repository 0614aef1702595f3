/**
 * Errors about a file as a whole, as opposed to the problems found in its rows: the caller
 * answers these with one message (and, for a limit, 413 or 422) instead of a list of problems.
 */
export class SheetFileError extends Error {
  override name = 'SheetFileError'
}

/** The text is not CSV that can be read: `line` is where the trouble starts, 1-based. */
export class CsvParseError extends SheetFileError {
  override name = 'CsvParseError'
  constructor(
    message: string,
    readonly line: number | null
  ) {
    super(message)
  }
}

/** The bytes are not an xlsx workbook that can be opened (an old .xls, a password-protected file, a damaged zip...). */
export class WorkbookReadError extends SheetFileError {
  override name = 'WorkbookReadError'
}

/**
 * The limits a file can meet. The first are sizes (the file is too large: 413); the last two say the
 * file is not one Excel could have written, or takes more than a reading may (422).
 */
export const SHEET_LIMITS = [
  'maxRows',
  'maxColumns',
  'maxCells',
  'maxSharedStrings',
  'maxSharedStringChars',
  'maxUncompressedBytes',
  'maxCellText',
  'maxParseMemory',
  'excelGrid',
  'maxParseTime'
] as const
export type SheetLimit = (typeof SHEET_LIMITS)[number]

/** Limits whose refusal means "too large" rather than "cannot be processed". */
export const SIZE_LIMITS: ReadonlySet<SheetLimit> = new Set(['maxRows', 'maxColumns', 'maxCells', 'maxSharedStrings', 'maxSharedStringChars', 'maxUncompressedBytes', 'maxCellText', 'maxParseMemory'])

/** A file, or a value being written, is larger than the codec accepts. */
export class SheetLimitError extends SheetFileError {
  override name = 'SheetLimitError'
  constructor(
    message: string,
    readonly limit: SheetLimit,
    readonly max: number
  ) {
    super(message)
  }
}
