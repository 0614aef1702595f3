import t from 'tap'
import { parseCommandArgs, usageLine, wantsHelp } from '../../src/cli/args.ts'
import { UsageError } from '../../src/cli/errors.ts'
import { progressDisplay } from '../../src/cli/progress.ts'

function stream(isTTY: boolean, columns = 80) {
  const written: string[] = []
  return { written, isTTY, columns, write: (text: string) => written.push(text) }
}

t.test('on a terminal: one bar, redrawn in place, left on screen when done', async (t) => {
  const out = stream(true, 70)
  const progress = progressDisplay(out, 'importing', 1000)
  for (const done of [0, 500, 1000, 1200]) progress.update(done, 1200)
  progress.finish()
  t.same(out.written, [
    '\rimporting [---------------------------------]    0/1200 findings   0%\x1b[K',
    '\rimporting [##############-------------------]  500/1200 findings  41%\x1b[K',
    '\rimporting [############################-----] 1000/1200 findings  83%\x1b[K',
    '\rimporting [#################################] 1200/1200 findings 100%\x1b[K',
    '\n'
  ])
  t.ok(out.written.every((line) => line.replaceAll('\r', '').replaceAll('\x1b[K', '').length < 70), 'within the terminal width')
})

t.test('on a terminal, an import cut short by a problem clears its bar', async (t) => {
  const out = stream(true)
  const progress = progressDisplay(out, 'importing', 1000)
  progress.update(0, 1200)
  progress.update(500, 1200)
  progress.finish()
  t.equal(out.written.at(-1), '\r\x1b[K')
})

t.test('not a terminal: a plain line per step', async (t) => {
  const out = stream(false)
  const progress = progressDisplay(out, 'checking', 1000)
  for (const done of [0, 500, 1000, 1200]) progress.update(done, 1200)
  progress.finish()
  t.same(out.written, [
    'checking: 1200 findings to write\n',
    'checking: 500/1200 findings written (41%)\n',
    'checking: 1000/1200 findings written (83%)\n',
    'checking: 1200/1200 findings written (100%)\n'
  ])
})

t.test('a short import shows nothing, on a terminal or not', async (t) => {
  for (const isTTY of [true, false]) {
    const out = stream(isTTY)
    const progress = progressDisplay(out, 'importing', 1000)
    progress.update(0, 90)
    progress.update(90, 90)
    progress.finish()
    t.same(out.written, [])
  }
})

t.test('the argument parser', async (t) => {
  const spec = {
    options: {
      force: { type: 'string' as const, value: 'CODE', required: true, description: '' },
      'dry-run': { type: 'boolean' as const, description: '' }
    },
    positionals: [{ name: 'FILE', required: true, variadic: true, description: '' }]
  }
  const args = parseCommandArgs(spec, ['a.csv', '--force=cleveland', 'b.csv', '--dry-run', '--', '--c.csv'])
  t.same(args.positionals, ['a.csv', 'b.csv', '--c.csv'], 'positionals anywhere, and after --')
  t.equal(args.required('force'), 'cleveland')
  t.equal(args.flag('dry-run'), true)
  t.equal(usageLine(spec), 'FILE... --force CODE [--dry-run]')
  const refused = (argv: string[]) => {
    try {
      parseCommandArgs(spec, argv)
      return null
    } catch (error) {
      return error instanceof UsageError ? error.message : `not a usage error: ${String(error)}`
    }
  }
  t.equal(refused(['a', '--force', '-x']), '--force needs a value (CODE)')
  t.equal(refused(['a', '--force=']), '--force must not be empty')
  t.equal(refused(['a', '--force', 'x', '-f']), 'unknown option -f')
  t.equal(refused(['--force', 'x']), 'missing FILE')
  t.equal(refused(['a']), 'missing --force CODE')
  t.equal(wantsHelp(['import', '-h']), true)
  t.equal(wantsHelp(['import', '--', '--help']), false, 'a file named --help is not a request for help')
})
