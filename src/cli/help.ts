import { usageLine } from './args.ts'
import type { Command, CommandGroup } from './command.ts'

export const PROGRAM = 'peel-register'

export type Entry = Command | CommandGroup

export const isGroup = (entry: Entry): entry is CommandGroup => 'commands' in entry

/** Wraps a paragraph at `width` columns, each line indented. */
function wrap(text: string, indent: string, width = 100): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') lines.push(line)
  return lines.map((l) => `${indent}${l}\n`).join('')
}

export function usage(command: Command): string {
  const args = usageLine(command)
  return `usage: ${PROGRAM} ${command.name}${args ? ` ${args}` : ''}`
}

export function commandHelp(command: Command): string {
  let text = `${usage(command)}\n\n${wrap(command.summary.charAt(0).toUpperCase() + command.summary.slice(1) + '.', '  ')}`
  for (const paragraph of command.description) text += `\n${wrap(paragraph, '  ')}`
  const rows: Array<[string, string]> = [
    ...command.positionals.map((p): [string, string] => [p.variadic ? `${p.name}...` : p.name, p.description]),
    ...Object.entries(command.options).map(([name, o]): [string, string] => [
      o.type === 'string' ? `--${name} ${o.value ?? 'VALUE'}` : `--${name}`,
      `${o.description}${o.required ? ' Required.' : ''}`
    ]),
    ['-h, --help', 'Show this help.']
  ]
  const width = Math.max(...rows.map(([left]) => left.length))
  text += '\narguments and options:\n'
  for (const [left, right] of rows) text += `  ${left.padEnd(width)}  ${right}\n`
  text += '\nexamples:\n'
  for (const example of command.examples) text += `  ${example}\n`
  return text
}

export function groupHelp(group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.name.length))
  let text = `usage: ${PROGRAM} ${group.name} <${group.commands.map((c) => c.name.split(' ')[1]).join('|')}> ...\n\n`
  for (const c of group.commands) text += `  ${c.name.padEnd(width)}  ${c.summary}\n`
  text += `\nRun '${PROGRAM} ${group.name} <command> --help' for a command's options.\n`
  return text
}

const EXIT_CODES: Array<[number, string]> = [
  [0, 'done'],
  [1, 'failed: the message says why'],
  [64, 'usage error: unknown command or option, a missing or malformed argument'],
  [65, 'input refused: import problems, an unreadable file, an unknown force or key; a broken audit chain'],
  [66, 'an input file is missing'],
  [69, 'database unavailable: unreachable, in use by another process, or not migrated'],
  [73, 'an output file cannot be written'],
  [78, 'configuration error: an environment variable is wrong']
]

export function programHelp(entries: Entry[]): string {
  const rows: Array<[string, string]> = [
    ...entries.flatMap((e) => (isGroup(e) ? e.commands : [e])).map((c): [string, string] => [c.name, c.summary]),
    ['help [COMMAND]', 'show help, for every command or one']
  ]
  const width = Math.max(...rows.map(([name]) => name.length))
  return (
    `usage: ${PROGRAM} <command> [options]\n\n` +
    wrap(
      'The command line of peel-register, a register of HMICFRS inspection findings. It works directly on the database the ' +
        "service's environment configures: DATABASE_URL (PostgreSQL), or the embedded database in DATA_DIR (default ./data; " +
        'stop the service first, one process at a time uses it).',
      ''
    ) +
    `\ncommands:\n${rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}\n`).join('')}` +
    `\noptions:\n  --help, -h   show help (after a command: that command's)\n  --version    print the version\n` +
    `\nexit codes:\n${EXIT_CODES.map(([code, meaning]) => `  ${String(code).padEnd(3)} ${meaning}\n`).join('')}` +
    `\nRun '${PROGRAM} <command> --help' for a command's options and examples.\n`
  )
}
