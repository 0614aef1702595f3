import { readFile } from 'node:fs/promises'
import { PROJECT_ROOT } from '../paths.ts'
import { parseCommandArgs, wantsHelp } from './args.ts'
import { audit } from './audit.ts'
import { backup, restore } from './backup.ts'
import type { Command, CommandGroup, Io } from './command.ts'
import { EXIT, UsageError, classify } from './errors.ts'
import { example } from './example.ts'
import { exportCommand } from './export.ts'
import { PROGRAM, type Entry, commandHelp, groupHelp, isGroup, programHelp, usage } from './help.ts'
import { importCommand } from './import.ts'
import { keys } from './keys.ts'
import { migrate } from './migrate.ts'
import { OutputClosedError } from './output.ts'

/**
 * Every command. Each loads the database and the domain code only when it runs (a dynamic import),
 * so help, --version and usage errors answer at once instead of after a second of module loading.
 */
const ENTRIES: Entry[] = [migrate, keys, importCommand, exportCommand, example, audit, backup, restore]

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }
}

async function version(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('package.json', PROJECT_ROOT), 'utf8')) as { version: string }
  return manifest.version
}

const entryNamed = (name: string) => ENTRIES.find((e) => e.name === name)

/** The command the words name, and the arguments after them; a group alone, or an unknown word, is a usage error. */
function resolve(words: readonly string[]): { command: Command; rest: string[] } | { group: CommandGroup } {
  const [first = '', second, ...rest] = words
  const entry = entryNamed(first)
  if (!entry) {
    const known = ENTRIES.map((e) => e.name).join(', ')
    throw new UsageError(first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}" (commands: ${known}, help)`)
  }
  if (!isGroup(entry)) return { command: entry, rest: words.slice(1) }
  const command = entry.commands.find((c) => c.name === `${entry.name} ${second}`)
  if (command) return { command, rest }
  if (second === undefined || second.startsWith('-')) return { group: entry }
  throw new UsageError(`unknown command "${entry.name} ${second}" (${entry.name} commands: ${entry.commands.map((c) => c.name.split(' ')[1]).join(', ')})`)
}

function help(words: readonly string[]): string {
  if (words.length === 0) return programHelp(ENTRIES)
  const found = resolve(words)
  return 'group' in found ? groupHelp(found.group) : commandHelp(found.command)
}

/** Runs one command line (`argv` without node and the script) and resolves to its exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let command: Command | undefined
  try {
    const [first] = argv
    if (first === undefined) {
      io.stderr.write(programHelp(ENTRIES))
      return EXIT.usage
    }
    if (first === '--version') {
      io.stdout.write(`${PROGRAM} ${await version()}\n`)
      return EXIT.ok
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      io.stdout.write(help(argv.slice(1).filter((a) => a !== '--help' && a !== '-h')))
      return EXIT.ok
    }
    const found = resolve(argv)
    if ('group' in found) {
      if (wantsHelp(argv)) {
        io.stdout.write(groupHelp(found.group))
        return EXIT.ok
      }
      io.stderr.write(`${PROGRAM} ${found.group.name}: name a command\n${groupHelp(found.group)}`)
      return EXIT.usage
    }
    command = found.command
    if (wantsHelp(found.rest)) {
      io.stdout.write(commandHelp(command))
      return EXIT.ok
    }
    return await command.run(parseCommandArgs(command, found.rest), io)
  } catch (error) {
    return fail(error, io, command)
  }
}

function fail(error: unknown, io: Io, command: Command | undefined): number {
  const { exitCode, message, details, expected } = classify(error)
  if (error instanceof OutputClosedError) return exitCode
  const prefix = command ? `${PROGRAM} ${command.name}` : PROGRAM
  let text = `${prefix}: ${expected ? '' : 'failed: '}${message}\n${details.map((d) => `  ${d}\n`).join('')}`
  if (error instanceof UsageError) {
    text += command ? `${usage(command)}\nRun '${PROGRAM} ${command.name} --help' for more.\n` : `Run '${PROGRAM} --help' for the commands.\n`
  }
  // A fault of ours: the stack helps whoever reports it, when asked for.
  if (!expected && /^(debug|trace)$/.test(io.env.LOG_LEVEL?.trim() ?? '') && error instanceof Error && error.stack) text += `${error.stack}\n`
  io.stderr.write(text)
  return exitCode
}
