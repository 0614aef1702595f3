import { parseArgs } from 'node:util'
import { UsageError } from './errors.ts'

export interface OptionSpec {
  type: 'string' | 'boolean'
  /** The placeholder shown in help for a string option's value: CODE, FILE ... */
  value?: string
  required?: boolean
  description: string
}

export interface PositionalSpec {
  name: string
  required: boolean
  /** Takes every remaining argument (one or more when required). */
  variadic?: boolean
  description: string
}

export interface ArgsSpec {
  options: Record<string, OptionSpec>
  positionals: PositionalSpec[]
}

/** What a command was given, checked against its spec. */
export class Args {
  constructor(
    private readonly values: Record<string, string | boolean | undefined>,
    readonly positionals: string[]
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name]
    return typeof value === 'string' ? value : undefined
  }

  /** A string option the spec marks required: the parser has made sure it is there. */
  required(name: string): string {
    const value = this.string(name)
    if (value === undefined) throw new UsageError(`missing --${name}`)
    return value
  }

  flag(name: string): boolean {
    return this.values[name] === true
  }
}

/** True when the arguments ask for help, wherever it is among them (before a `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')
}

/**
 * node:util parseArgs, lenient, then checked here, so that every mistake is reported in words
 * that name the option: an unknown one, a value missing or given to a flag, one given twice, a
 * required one or a positional argument missing, too many arguments.
 */
export function parseCommandArgs(spec: ArgsSpec, argv: readonly string[]): Args {
  const options = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type }]))
  const { values, positionals, tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true })

  const seen = new Set<string>()
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    const option = spec.options[token.name]
    if (!option || token.rawName.length === 2) throw new UsageError(`unknown option ${token.rawName}`)
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`)
    seen.add(token.name)
    if (option.type === 'boolean' && token.inlineValue) throw new UsageError(`--${token.name} takes no value`)
    if (option.type === 'string') {
      // Lenient parseArgs takes the next argument as the value even when it is another option.
      const missing = token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))
      if (missing) throw new UsageError(`--${token.name} needs a value${option.value ? ` (${option.value})` : ''}`)
      if (token.value.trim() === '') throw new UsageError(`--${token.name} must not be empty`)
    }
  }
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && values[name] === undefined) throw new UsageError(`missing --${name}${option.value ? ` ${option.value}` : ''}`)
  }

  const variadic = spec.positionals.at(-1)?.variadic === true
  spec.positionals.forEach((p, i) => {
    if (p.required && positionals[i] === undefined) throw new UsageError(`missing ${p.name}`)
  })
  if (!variadic && positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[spec.positionals.length])}`)
  }
  return new Args(values, positionals)
}

/** `--name NAME --role ROLE [--force CODE] [--json] FILE...`, from the spec. */
export function usageLine(spec: ArgsSpec): string {
  const parts: string[] = []
  for (const p of spec.positionals) {
    const name = p.variadic ? `${p.name}...` : p.name
    parts.push(p.required ? name : `[${name}]`)
  }
  for (const [name, o] of Object.entries(spec.options)) {
    const text = o.type === 'string' ? `--${name} ${o.value ?? 'VALUE'}` : `--${name}`
    parts.push(o.required ? text : `[${text}]`)
  }
  return parts.join(' ')
}
