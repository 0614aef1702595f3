import t from 'tap'
import { PUBLISHED_LAYOUTS } from '../fixtures/registers/index.ts'
import { corpusTests } from './registers-corpus.ts'

// Registers as forces publish them, and the slips they make (the rest: registers-corpus-issue17.test.ts).
corpusTests(t, PUBLISHED_LAYOUTS)
