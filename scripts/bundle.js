/**
 * Bundles of the TypeScript sources in dist/: the service that `npm start` runs (dist/server.js)
 * and the command line (dist/cli.js), each rebuilt only when a source file or the lock file has
 * changed since its last build. Loading one prepared file instead of compiling some two hundred
 * modules on every run is what keeps a restart near a second and a command well under one.
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'

const root = new URL('../', import.meta.url)

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir)
    if (entry.isDirectory()) yield* files(url)
    else yield url
  }
}

/**
 * Names, sizes and modification times of everything the bundle is made from: our sources, and
 * the lock file, which names every package version bundled with them (npm rewrites it on any change).
 */
async function fingerprint() {
  const urls = [new URL('package-lock.json', root)]
  for (const dir of ['src/', 'migrations/']) for await (const url of files(new URL(dir, root))) urls.push(url)
  const stats = await Promise.all(urls.map((url) => stat(url)))
  const hash = createHash('sha256')
  urls.forEach((url, i) => hash.update(`${url.pathname}\0${stats[i].size}\0${stats[i].mtimeMs}\n`))
  return hash.digest('hex')
}

/**
 * Packages left out of the bundle: PGlite and Swagger UI read files that sit beside their code (the
 * database's WebAssembly, the UI's pages), exceljs is loaded only for a spreadsheet, pino starts
 * workers from its own files, and pg-native is an optional part of pg that we never install.
 */
const EXTERNAL = ['@electric-sql/pglite', '@fastify/swagger-ui', 'exceljs', 'pino', 'pg-native']

/**
 * Worker threads that either bundle may start, each built as its own file beside it: the code looks
 * for dist/<name>.js next to itself (see src/domain/exchange/upload-readers.ts).
 */
const WORKERS = { 'upload-worker': 'src/domain/exchange/upload-worker.ts' }

/**
 * dist/<name>.js, built from the source file `entry` (relative to the project) unless the build
 * there is of the sources as they are now; its URL. A bundle sits one folder below the project,
 * as src/paths.ts expects.
 */
export async function ensureBundle(name, entry) {
  const bundle = new URL(`dist/${name}.js`, root)
  const stampFile = new URL(`dist/${name}.stamp`, root)
  const wanted = await fingerprint()
  const current = await readFile(stampFile, 'utf8').catch(() => null)
  if (current === wanted) return bundle
  const { build } = await import('esbuild')
  await mkdir(new URL('dist/', root), { recursive: true })
  // Built apart, then moved into place: a start running alongside never loads half a file.
  const temporary = new URL(`dist/build-${name}-${process.pid}/`, root)
  await build({
    entryPoints: [{ in: new URL(entry, root).pathname, out: name }, ...Object.entries(WORKERS).map(([out, source]) => ({ in: new URL(source, root).pathname, out }))],
    outdir: temporary.pathname,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Our code and the packages it uses in one file: Node then loads one module instead of some
    // hundreds, which is most of what a start costs after the database.
    external: EXTERNAL,
    // CommonJS packages in an ES module still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    minify: true,
    // A map beside the bundle: stack traces in the log name our sources, lines and functions. Without
    // the sources' text in it (the files are beside it), Node reads a third of it on each start.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning'
  })
  for (const worker of Object.keys(WORKERS)) {
    await rename(new URL(`${worker}.js.map`, temporary), new URL(`dist/${worker}.js.map`, root))
    await rename(new URL(`${worker}.js`, temporary), new URL(`dist/${worker}.js`, root))
  }
  await rename(new URL(`${name}.js.map`, temporary), new URL(`dist/${name}.js.map`, root))
  await rename(new URL(`${name}.js`, temporary), bundle)
  await rm(temporary, { recursive: true })
  await writeFile(stampFile, wanted)
  return bundle
}

