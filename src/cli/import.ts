import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type * as exchange from '../domain/exchange/exchange.service.ts'
import type { Command } from './command.ts'
import { CliError, EXIT, UsageError } from './errors.ts'
import { plural } from './output.ts'
import { progressDisplay } from './progress.ts'
import { changedFindingsLines, changesTable, problemLine } from './report.ts'

const KINDS = ['.json', '.xlsx', '.csv']

/** Reads a file the import names, telling a missing file (EX_NOINPUT) from anything else. */
export async function readInputFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new CliError(EXIT.noInput, `no such file: ${file}`)
    if (code === 'EISDIR') throw new CliError(EXIT.noInput, `${file} is a folder, not a file`)
    if (code === 'EACCES' || code === 'EPERM') throw new CliError(EXIT.noInput, `cannot read ${file}: permission denied`)
    throw error
  }
}

export function parseJson(text: Buffer, file: string): unknown {
  try {
    return JSON.parse(text.toString('utf8'))
  } catch (error) {
    throw new CliError(EXIT.dataError, `${file} is not valid JSON: ${(error as Error).message}`)
  }
}

/** The files as the HTTP import receives them: a JSON document alone, or spreadsheets (an xlsx workbook, CSV files named after their sheets). */
async function importInput(files: string[], cwd: string): Promise<exchange.ImportInput> {
  const kinds = files.map((file) => path.extname(file).toLowerCase())
  kinds.forEach((kind, i) => {
    if (!KINDS.includes(kind)) throw new UsageError(`${files[i]}: name a .json, .xlsx or .csv file (the kind is told by its extension)`)
  })
  if (kinds.includes('.json') && files.length > 1) throw new UsageError('a JSON register is imported on its own: name one .json file')
  const read = (file: string) => readInputFile(path.resolve(cwd, file))
  if (kinds[0] === '.json') return { kind: 'document', data: parseJson(await read(files[0]!), files[0]!) }
  const uploaded: exchange.UploadedFile[] = []
  for (const file of files) uploaded.push({ field: 'files', filename: path.basename(file), data: await read(file) })
  return { kind: 'files', files: uploaded }
}

export const importCommand: Command = {
  name: 'import',
  summary: "import a register (JSON, XLSX or CSV) into a force's register, all or nothing",
  description: [
    "Does what POST /v1/imports does, with the same code: a .json file is a register document as `export --format json` " +
      'writes it; an .xlsx workbook has the sheets `export --format xlsx` writes ("Findings", "Actions", "Inspections", ' +
      '"Governance groups", "Updates", "Ongoing actions", "Reviews"); CSV files are named after their sheets (findings.csv, ' +
      'actions.csv ...), and a single CSV file of any name is read as the findings. Spreadsheet rows are laid over the register as it stands; nothing is written unless the whole import ' +
      'is free of problems. --dry-run checks everything and reports what would change, writing nothing.',
    'Every problem is listed on stderr by sheet, row and column (or by JSON path), and the command exits with 65. A long ' +
      'import shows its progress on stderr: a bar on a terminal, a line per step otherwise. The changes are audited as made ' +
      'by the command line, with a request id cli:import:<uuid>.'
  ],
  examples: [
    'peel-register import examples/cleveland-register.json --force cleveland --dry-run',
    'peel-register import register.xlsx --force cleveland',
    'peel-register import findings.csv actions.csv --force cleveland'
  ],
  options: {
    force: { type: 'string', value: 'CODE', required: true, description: 'The force whose register this is (a JSON document must name the same).' },
    'dry-run': { type: 'boolean', description: 'Check everything and report what would change; write nothing.' },
    json: { type: 'boolean', description: 'Print the result (changes, problems, warnings) as JSON on stdout.' }
  },
  positionals: [{ name: 'FILE', required: true, variadic: true, description: 'A .json register, an .xlsx workbook, or .csv files.' }],
  async run(args, io) {
    const files = args.positionals
    const force = args.required('force')
    const dryRun = args.flag('dry-run')
    const input = await importInput(files, io.cwd)
    const [{ CLI_PRINCIPAL, cliActor, withDatabase }, { importRegister }] = await Promise.all([import('./context.ts'), import('../domain/exchange/exchange.service.ts')])
    const actor = cliActor('import')
    const progress = progressDisplay(io.stderr, dryRun ? 'checking' : 'importing')
    const result = await withDatabase(io, ({ db }) =>
      importRegister(db, CLI_PRINCIPAL, actor, { force, dryRun }, input, { onProgress: progress.update }).finally(() => progress.finish())
    )
    const named = files.length === 1 ? files[0]! : plural(files.length, 'file')

    if (args.flag('json')) io.stdout.write(`${JSON.stringify({ ...result, requestId: actor.requestId }, null, 2)}\n`)
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`)
    if (!result.valid) {
      throw new CliError(
        EXIT.dataError,
        `${named}: ${plural(result.problems.length, 'problem')}; nothing was written.`,
        result.problems.map(problemLine)
      )
    }
    if (!args.flag('json')) {
      io.stdout.write(
        dryRun
          ? `Dry run: ${named} can be imported into ${result.force}'s register. Nothing was written; the import would make these changes:\n`
          : `Imported ${named} into ${result.force}'s register (audited as ${actor.requestId}):\n`
      )
      io.stdout.write(changesTable(result.changes!))
      io.stdout.write(changedFindingsLines(result.changes!))
    }
    return EXIT.ok
  }
}
