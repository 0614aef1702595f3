import t from 'tap'
import { fuzz, isImport } from './run.ts'

// The import, fuzzed in a file of its own (see run.ts for what each answer is held to, and isImport for why).
await fuzz(t, isImport)
