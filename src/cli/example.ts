import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PROJECT_ROOT } from '../paths.ts'
import type { Command, CommandGroup } from './command.ts'
import { CliError, EXIT } from './errors.ts'
import { parseJson, readInputFile } from './import.ts'
import { progressDisplay } from './progress.ts'
import { changesTable } from './report.ts'

const EXAMPLE = fileURLToPath(new URL('examples/cleveland-register.json', PROJECT_ROOT))

const load: Command = {
  name: 'example load',
  summary: 'load the example register (Cleveland Police, 2019) into force cleveland',
  description: [
    "Loads Cleveland Police's published list of open HMICFRS items after the 2019 PEEL inspection (90 findings from 18 " +
      'inspections; examples/README.md says how it was transcribed) into force cleveland, on whatever database the ' +
      'configuration points to. Running it again changes nothing.',
    'It prepares the database first, as the service does on start: migrations, reference data, and on a database with no ' +
      'API key at all a first admin key, printed once. FILE loads another register document instead.'
  ],
  examples: ['peel-register example load', 'DATA_DIR=/tmp/demo peel-register example load'],
  options: {},
  positionals: [{ name: 'FILE', required: false, description: 'A register document (JSON); the shipped example unless given.' }],
  async run(args, io) {
    const file = args.positionals[0] === undefined ? EXAMPLE : path.resolve(io.cwd, args.positionals[0])
    const data = parseJson(await readInputFile(file), file)
    const [{ cliActor, withDatabase }, { applyDocument }, { RegisterDocumentError, checkDocument }, { prepareDatabase }, { default: pino }] = await Promise.all([
      import('./context.ts'),
      import('../domain/exchange/apply-document.ts'),
      import('../domain/exchange/register-document.ts'),
      import('../prepare.ts'),
      import('pino')
    ])
    let document
    try {
      document = checkDocument(data)
    } catch (error) {
      if (!(error instanceof RegisterDocumentError)) throw error
      throw new CliError(EXIT.dataError, `${file} is not a register document; nothing was written.`, error.problems.map((p) => `${p.path || '(document)'}: ${p.message}`))
    }
    const actor = cliActor('example load')
    return withDatabase(
      io,
      async (database, config) => {
        const { generatedAdminKey } = await prepareDatabase(database, config, pino({ level: 'silent' }))
        if (generatedAdminKey) io.stdout.write(`First start: an admin API key was created, shown this once: ${generatedAdminKey}\n`)
        const progress = progressDisplay(io.stderr, 'loading')
        let report
        try {
          report = await applyDocument(database.db, actor, document, { onProgress: progress.update })
        } catch (error) {
          if (!(error instanceof RegisterDocumentError)) throw error
          throw new CliError(EXIT.dataError, `${file} cannot be loaded; nothing was written.`, error.problems.map((p) => `${p.path || '(document)'}: ${p.message}`))
        } finally {
          progress.finish()
        }
        io.stdout.write(`Example register loaded into ${document.force} (audited as ${actor.requestId}):\n${changesTable(report)}`)
        return EXIT.ok
      },
      { migrated: false }
    )
  }
}

export const example: CommandGroup = { name: 'example', summary: 'load the example register', commands: [load] }
