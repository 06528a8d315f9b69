// Browser test of the site as an instructor publishes it under a sub-path (GitHub Pages of a
// repository, a folder of a department's web server): builds it with TINYKV_SITE_BASE=/tinykv/,
// serves it at /tinykv/ only, and follows every link from the home page.
//
//   npm test        (builds the site itself, into a temporary folder: 10–30 s of the run)

import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CHROMIUM, DOCS, TEST_TIMEOUT_MS, buildSite, launchChromium, openPage, serveSite, stopServer } from './served-site.mjs'

const SUB_PATH = '/tinykv/'
const BUILD_TIMEOUT_MS = 120_000
// About a second a page, twenty pages; room for a slow machine.
const CRAWL_TIMEOUT_MS = 120_000

/** The Markdown pages of the site, as paths under the base: "", "stage1.html", … */
async function markdownPages() {
  const names = (await readdir(DOCS)).filter((name) => name.endsWith('.md'))
  return names.map((name) => (name === 'index.md' ? '' : name.replace(/\.md$/, '.html'))).sort()
}

/** A link's target without its #fragment, and the fragment (decoded, without "#"), or null. */
function splitFragment(href) {
  const url = new URL(href)
  const fragment = url.hash ? decodeURIComponent(url.hash.slice(1)) : null
  url.hash = ''
  return { target: url.href, fragment }
}

describe(`the site built for the sub-path ${SUB_PATH}`, () => {
  let outDir
  let server
  let browser
  let origin
  let site

  before(
    async () => {
      assert.ok(existsSync(CHROMIUM), `no chromium at ${CHROMIUM}: apt-get install -y chromium`)
      outDir = await mkdtemp(join(tmpdir(), 'tinykv-site-'))
      await buildSite({ base: SUB_PATH, outDir })
      server = await serveSite(outDir, SUB_PATH)
      origin = `http://127.0.0.1:${server.address().port}`
      site = `${origin}${SUB_PATH}`
      browser = await launchChromium()
    },
    { timeout: BUILD_TIMEOUT_MS },
  )

  after(async () => {
    await browser?.close()
    await stopServer(server)
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  test('the server answers only under the sub-path, as the host will', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.equal((await fetch(`${site}stage1.html`)).status, 200)
    assert.equal((await fetch(`${origin}/stage1.html`)).status, 404)
    assert.equal((await fetch(`${origin}/assets/`)).status, 404)
  })

  test(`every link from the home page leads to a page or file under ${SUB_PATH}, styled and running`, { timeout: CRAWL_TIMEOUT_MS }, async () => {
    const { page, close } = await openPage(browser)
    const problems = []
    let current = site
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(site) && !url.startsWith('data:')) problems.push(`${current}: requested ${url}, outside ${SUB_PATH}`)
    })
    // Leaving a page cancels what it was still fetching (VitePress prefetches the chunks of the
    // pages it links to), so a request aborted by the next navigation is checked on its own below.
    const aborted = [] // { from, url }
    page.on('requestfailed', (request) => {
      if (request.failure()?.errorText === 'net::ERR_ABORTED') aborted.push({ from: current, url: request.url() })
      else problems.push(`${current}: request failed: ${request.url()} (${request.failure()?.errorText})`)
    })
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${current}: HTTP ${response.status()} for ${response.url()}`)
    })
    page.on('pageerror', (error) => problems.push(`${current}: page error: ${error.message}`))

    const idsOf = new Map() // each page visited: the ids on it, for links to #fragments
    const files = new Set() // each file linked to that is not a page (scenario files)
    const fragments = [] // { from, target, fragment }
    const queue = [{ target: site, from: '(start)' }]
    const seen = new Set([site])
    try {
      while (queue.length > 0) {
        const { target, from } = queue.shift()
        current = target
        const path = new URL(target).pathname
        if (!path.endsWith('/') && !path.endsWith('.html')) {
          // A file the handouts link to, opened as the browser would: it must be there, not a page.
          const response = await page.request.get(target)
          const type = response.headers()['content-type'] ?? ''
          if (response.status() !== 200 || type.startsWith('text/html')) {
            problems.push(`${from}: link to ${target} answers ${response.status()} ${type}`)
          }
          files.add(target)
          continue
        }

        const response = await page.goto(target, { waitUntil: 'networkidle' })
        if (response?.status() !== 200) {
          problems.push(`${from}: link to ${target} answers ${response?.status()}`)
          continue
        }
        const state = await page.evaluate(() => ({
          // VitePress shows its 404 page when the route does not match, even on a page served 200.
          notFound: document.querySelector('.NotFound') !== null,
          // The theme's stylesheet defines the brand colour; Vue marks the element it mounted on.
          styled: getComputedStyle(document.documentElement).getPropertyValue('--vp-c-brand-1').trim() !== '',
          running: document.querySelector('#app')?.__vue_app__ !== undefined,
          ids: [...document.querySelectorAll('[id]')].map((element) => element.id),
          links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
        }))
        if (state.notFound) problems.push(`${from}: link to ${target} shows the 404 page`)
        if (!state.styled) problems.push(`${target}: the theme's stylesheet is not applied`)
        if (!state.running) problems.push(`${target}: the site's script did not start`)
        idsOf.set(target, new Set(state.ids))

        for (const href of state.links) {
          if (new URL(href).origin !== origin) continue // a link to another site
          if (!href.startsWith(site)) {
            problems.push(`${target}: link to ${href} leaves ${SUB_PATH}`)
            continue
          }
          const { target: next, fragment } = splitFragment(href)
          if (fragment !== null) fragments.push({ from: target, target: next, fragment })
          if (!seen.has(next)) {
            seen.add(next)
            queue.push({ target: next, from: target })
          }
        }
      }
    } finally {
      await close()
    }

    for (const { from, url } of aborted) {
      const status = (await fetch(url)).status
      if (status !== 200) problems.push(`${from}: request for ${url} was cut short by the next page, and it answers ${status}`)
    }
    for (const { from, target, fragment } of fragments) {
      const ids = idsOf.get(target)
      if (ids && !ids.has(fragment)) problems.push(`${from}: link to ${target}#${fragment}: no such anchor`)
    }
    assert.deepEqual(problems, [])
    // Every page of the site is reachable from the home page, and the worked examples with it.
    const visited = [...idsOf.keys()].map((url) => url.slice(site.length)).sort()
    assert.deepEqual(visited, await markdownPages())
    assert.ok(files.size > 0, 'no link to a scenario file was followed')
  })

  test(`the sidebar navigates in the page and stays under ${SUB_PATH}`, { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, close } = await openPage(browser)
    try {
      await page.goto(`${site}stage1.html`)
      await page.locator('h1', { hasText: 'Stage 1 — Standalone KV' }).waitFor()
      // A marker on window survives client-side routing but not a full page load.
      await page.evaluate(() => {
        window.__sameDocument = true
      })

      await page.locator('.VPSidebar').getByRole('link', { name: '2A — Raft library', exact: true }).click()

      await page.waitForURL(`${site}stage2a.html`)
      await page.locator('h1', { hasText: 'Stage 2A — The Raft library' }).waitFor()
      assert.equal(await page.evaluate(() => window.__sameDocument === true), true, 'navigation reloaded the page')
    } finally {
      await close()
    }
  })
})

describe('TINYKV_SITE_BASE', () => {
  test('a malformed base stops the build with a message naming the variable', { timeout: TEST_TIMEOUT_MS }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'tinykv-site-'))
    try {
      await assert.rejects(buildSite({ base: 'https://example.edu/tinykv/', outDir }), /TINYKV_SITE_BASE="https:\/\/example\.edu\/tinykv\/" is not a path/)
      assert.deepEqual(await readdir(outDir), [], 'the build wrote a site')
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  })
})
