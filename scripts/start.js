/**
 * `npm start`: the service from a bundle of its TypeScript sources (dist/server.js, see
 * bundle.js), rebuilt only when a source file or the lock file has changed since the last build.
 * `--build` builds (if needed) this bundle and the command line's (dist/cli.js), then exits, for
 * images built ahead of time.
 */
import { ensureBundle } from './bundle.js'

const bundle = await ensureBundle('server', 'src/server.ts')
if (process.argv.includes('--build')) {
  await ensureBundle('cli', 'src/cli/peel-register.ts')
} else {
  process.setSourceMapsEnabled(true)
  await import(bundle.href)
}
