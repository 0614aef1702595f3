import t from 'tap'
import { ISSUE_17_LAYOUTS } from '../fixtures/registers/index.ts'
import { corpusTests } from './registers-corpus.ts'

// The registers issue 17 found the import refusing or misreading (the rest: registers-corpus.test.ts).
corpusTests(t, ISSUE_17_LAYOUTS)
