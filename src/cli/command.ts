import type { Args, ArgsSpec } from './args.ts'

/** The process around a command: where it writes, and what it was started with. */
export interface Io {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  env: NodeJS.ProcessEnv
  cwd: string
}

export interface Command extends ArgsSpec {
  /** As typed: `migrate`, `keys create`. */
  name: string
  summary: string
  /** Paragraphs shown by `help <command>`. */
  description: string[]
  examples: string[]
  /** Resolves to the exit code; throws a CliError (or anything else) to fail. */
  run(args: Args, io: Io): Promise<number>
}

/** Commands under one word: `keys create`, `keys list` ... */
export interface CommandGroup {
  name: string
  summary: string
  commands: Command[]
}
