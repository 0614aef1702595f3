import t from 'tap'
import { fuzz } from './run.ts'

// Every read operation of the contract, fuzzed (see run.ts for what each answer is held to).
await fuzz(t, (op) => op.method === 'GET')
