import path from 'node:path'
import type { Command } from './command.ts'
import { EXIT, UsageError } from './errors.ts'
import { type Chunks, plural, writeToFile, writeToStream } from './output.ts'

const FORMATS = ['json', 'csv', 'xlsx'] as const
type Format = (typeof FORMATS)[number]
/** The sheets of SHEET_SLUGS (register-sheets.ts), named here so that help needs none of the domain code. */
export const SHEETS = ['findings', 'actions', 'inspections', 'governance-groups', 'updates', 'ongoing-actions', 'reviews', 'evidence', 'milestones', 'date-history']

/** --format, or the --out file's extension, or JSON as the API's default. */
function formatOf(format: string | undefined, out: string | undefined): Format {
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`)
    return format as Format
  }
  const extension = out === undefined ? '' : path.extname(out).slice(1).toLowerCase()
  return (FORMATS as readonly string[]).includes(extension) ? (extension as Format) : 'json'
}

export const exportCommand: Command = {
  name: 'export',
  summary: "export a force's whole register as JSON, an XLSX workbook or CSV",
  description: [
    'Writes what GET /v1/exports/register gives, with the same code: JSON, the register document that `import` takes back; ' +
      'XLSX, a workbook with one sheet per kind of record; CSV, one of those sheets (--sheet, the findings unless told), ' +
      'streamed a page at a time however large the register.',
    'Output goes to stdout unless --out names a file (written whole or not at all). Without --format, the format follows ' +
      "--out's extension, else JSON. An XLSX workbook is binary: it needs --out or a redirected stdout, never a terminal."
  ],
  examples: [
    'peel-register export --force cleveland --format json > cleveland.json',
    'peel-register export --force cleveland --format csv --sheet actions',
    'peel-register export --force cleveland --out cleveland.xlsx'
  ],
  options: {
    force: { type: 'string', value: 'CODE', required: true, description: 'The force whose register to export.' },
    format: { type: 'string', value: 'FORMAT', description: `One of ${FORMATS.join(', ')}.` },
    sheet: { type: 'string', value: 'SHEET', description: `With csv: one of ${SHEETS.join(', ')} (default findings).` },
    out: { type: 'string', value: 'FILE', description: 'Write to this file instead of stdout.' }
  },
  positionals: [],
  async run(args, io) {
    const out = args.string('out')
    const format = formatOf(args.string('format'), out)
    const sheet = args.string('sheet')
    if (sheet !== undefined && format !== 'csv') throw new UsageError(`--sheet goes with --format csv (the ${format} export holds every sheet)`)
    if (sheet !== undefined && !SHEETS.includes(sheet)) throw new UsageError(`--sheet must be one of ${SHEETS.join(', ')}, got "${sheet}"`)
    if (format === 'xlsx' && out === undefined && io.stdout.isTTY) {
      throw new UsageError('an XLSX workbook is binary and stdout is a terminal: name a file with --out, or redirect stdout')
    }

    const [{ CLI_PRINCIPAL, withDatabase }, exchange, { exportDocument }, { SHEET_SLUGS }, { registerForce }] = await Promise.all([
      import('./context.ts'),
      import('../domain/exchange/exchange.service.ts'),
      import('../domain/exchange/export-document.ts'),
      import('../domain/exchange/register-sheets.ts'),
      import('../domain/shared/force-scope.ts')
    ])
    return withDatabase(io, async ({ db }) => {
      const force = await registerForce(db, CLI_PRINCIPAL, args.required('force'))
      const chunks: Chunks =
        format === 'xlsx'
          ? [await exchange.exportWorkbook(db, force)]
          : format === 'csv'
            ? exchange.exportCsv(db, force, SHEET_SLUGS[sheet ?? 'findings']!)
            : [`${JSON.stringify(await exportDocument(db, force), null, 2)}\n`]
      if (out === undefined) {
        await writeToStream(io.stdout, chunks)
      } else {
        const file = path.resolve(io.cwd, out)
        const bytes = await writeToFile(file, chunks)
        io.stderr.write(`Exported ${force}'s register${format === 'csv' ? ` (${sheet ?? 'findings'} sheet)` : ''} as ${format} to ${file} (${plural(bytes, 'byte')}).\n`)
      }
      return EXIT.ok
    })
  }
}
