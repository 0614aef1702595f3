#!/usr/bin/env node
// The package's `bin`: runs the command line, written in TypeScript, through tsx's loader in this
// same process, so its exit code, signals and terminal are the command's own.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/peel-register.ts')
