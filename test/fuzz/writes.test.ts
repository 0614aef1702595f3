import t from 'tap'
import { fuzz, isImport } from './run.ts'

// Every write operation of the contract but the import (imports.test.ts), fuzzed (see run.ts for what each answer is held to).
await fuzz(t, (op) => op.method !== 'GET' && !isImport(op))
