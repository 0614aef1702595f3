#!/usr/bin/env node
// The package's `bin`: runs the command line in this same process, so its exit code, signals and
// terminal are the command's own. It runs from a bundle of the sources (dist/cli.js, built by
// scripts/bundle.js when a source has changed), which starts in about half the time of compiling
// the TypeScript on every run. Where the project folder is not writable at run time (the Docker
// image), `node scripts/start.js --build` has built it ahead.
import { ensureBundle } from '../scripts/bundle.js'

const bundle = await ensureBundle('cli', 'src/cli/peel-register.ts')
process.setSourceMapsEnabled(true)
await import(bundle.href)
