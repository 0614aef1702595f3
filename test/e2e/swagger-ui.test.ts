import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type Page, chromium } from 'playwright-core'
import t, { type Test } from 'tap'
import { backend } from '../helper.ts'
import { type RunningService, findChromium, startService } from './service.ts'

/**
 * A developer's first minutes in Swagger UI, in a real headless Chromium against the service as
 * `npm start` runs it: open /docs, authorize with the printed key, try GET /v1/findings and see
 * the example register come back. CI sets PEEL_E2E_REQUIRE_BROWSER=1 so a missing browser fails
 * the run instead of skipping the test.
 */
const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url))
const EXAMPLE = new URL('../../examples/cleveland-register.json', import.meta.url)
const requireBrowser = process.env.PEEL_E2E_REQUIRE_BROWSER === '1'
const executablePath = await findChromium()

const skip =
  backend !== 'embedded'
    ? 'the browser test runs on the embedded database only'
    : executablePath === null && !requireBrowser
      ? 'no Chromium found: set CHROMIUM_PATH or apt-get install chromium (PEEL_E2E_REQUIRE_BROWSER=1 makes this a failure)'
      : false

t.test('Swagger UI: authorize, try GET /v1/findings, see a 200 with findings', { skip }, async (t) => {
  t.ok(executablePath, `a Chromium executable at ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium (or set CHROMIUM_PATH)'}`)
  if (executablePath === null) return

  const dataDir = await mkdtemp(path.join(tmpdir(), 'peel-register-e2e-'))
  const running: { service?: RunningService; browser?: Browser } = {}
  t.teardown(async () => {
    await running.browser?.close().catch(() => undefined)
    await running.service?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  const { baseUrl, adminKey } = (running.service = await startService(dataDir))
  const imported = await fetch(`${baseUrl}/v1/imports?force=cleveland`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: await readFile(EXAMPLE)
  })
  t.equal(imported.status, 200, 'the example register is imported')
  const firstReference = await firstFindingReference(baseUrl, adminKey)

  const browser = (running.browser = await chromium.launch({
    executablePath,
    headless: true,
    // Root in a container: no user namespaces for the sandbox, and a small /dev/shm.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu']
  }))
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
  page.setDefaultTimeout(20_000)
  await mkdir(RESULTS_DIR, { recursive: true })
  try {
    await tryListFindings(t, page, baseUrl, adminKey, firstReference)
  } catch (error) {
    await page.screenshot({ path: path.join(RESULTS_DIR, 'swagger-ui-failure.png'), fullPage: true, mask: [page.locator('.curl-command')] }).catch(() => undefined)
    throw error
  }
})

/** The reference the first page of the register starts with, as the API itself returns it. */
async function firstFindingReference(baseUrl: string, key: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/findings?force=cleveland&limit=1`, { headers: { authorization: `Bearer ${key}` } })
  const body = (await response.json()) as { items: { reference: string }[] }
  const reference = body.items[0]?.reference
  if (!reference) throw new Error(`no findings in the register: ${JSON.stringify(body)}`)
  return reference
}

async function tryListFindings(t: Test, page: Page, baseUrl: string, key: string, reference: string) {
  const response = await page.goto(`${baseUrl}/docs/`)
  t.equal(response?.status(), 200, '/docs loads')
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'peel-register' }).waitFor()

  await page.locator('.scheme-container button.authorize').click()
  const dialog = page.locator('.modal-ux')
  await dialog.waitFor()
  await dialog.locator('input[type="text"], input[type="password"]').first().fill(key)
  await dialog.locator('button.authorize').click()
  await dialog.locator('button.btn-done').click()
  await dialog.waitFor({ state: 'detached' })
  t.ok(await page.locator('.scheme-container button.authorize.locked').isVisible(), 'the padlock shows the key is in use')

  const operation = page.locator('#operations-register-listFindings')
  await operation.locator('.opblock-summary').first().click()
  await operation.locator('button.try-out__btn').click()
  await operation.locator('tr[data-param-name="force"] input').fill('cleveland')
  await operation.locator('button.execute').click()

  const live = operation.locator('.live-responses-table')
  const status = live.locator('tbody .response .response-col_status').first()
  await status.waitFor()
  t.equal((await status.innerText()).trim(), '200', 'the live response is a 200')
  const body = live.locator('.response-col_description pre, .response-col_description .microlight').first()
  await body.waitFor()
  const text = await body.innerText()
  t.match(text, '"items"', 'the body is a page of findings')
  t.match(text, `"reference": "${reference}"`, `the body shows finding ${reference} from the example register`)
  // The curl box repeats the key: masked, so the screenshot CI keeps holds no key, even a throwaway one.
  await live.scrollIntoViewIfNeeded()
  await page.screenshot({ path: path.join(RESULTS_DIR, 'swagger-ui.png'), mask: [operation.locator('.curl-command')] })
}
