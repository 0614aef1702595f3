/**
 * `npm start`: the service from a bundle of its TypeScript sources (dist/server.js), rebuilt only
 * when a source file or the lock file has changed since the last build. Loading one prepared
 * file instead of compiling some two hundred modules on every start is what keeps a restart
 * near a second. `--build` builds (if needed) and exits, for images built ahead of time.
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises'

const root = new URL('../', import.meta.url)
const bundle = new URL('dist/server.js', root)
const stampFile = new URL('dist/server.stamp', root)

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir)
    if (entry.isDirectory()) yield* files(url)
    else yield url
  }
}

/** Names, sizes and modification times of everything the bundle is made from. */
async function fingerprint() {
  const hash = createHash('sha256')
  for (const dir of ['src/', 'migrations/']) {
    for await (const url of files(new URL(dir, root))) {
      const { size, mtimeMs } = await stat(url)
      hash.update(`${url.pathname}\0${size}\0${mtimeMs}\n`)
    }
  }
  hash.update(await readFile(new URL('package-lock.json', root)))
  return hash.digest('hex')
}

async function ensureBundle() {
  const wanted = await fingerprint()
  const current = await readFile(stampFile, 'utf8').catch(() => null)
  if (current === wanted) return
  const { build } = await import('esbuild')
  await mkdir(new URL('dist/', root), { recursive: true })
  const temporary = new URL(`dist/server.${process.pid}.js`, root)
  await build({
    entryPoints: [new URL('src/server.ts', root).pathname],
    outfile: temporary.pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning'
  })
  // Renamed into place, so a start running alongside never loads half a file.
  await rename(temporary, bundle)
  await writeFile(stampFile, wanted)
}

await ensureBundle()
if (!process.argv.includes('--build')) {
  process.setSourceMapsEnabled(true)
  await import(bundle.href)
}
