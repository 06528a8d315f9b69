// Browser test of the built course site: serves .vitepress/dist with a tiny static file server
// and drives Debian's headless chromium through playwright-core. (sub-path.test.mjs builds the
// site for a sub-path itself and follows every link on it.)
//
//   npm run docs:build && npm test
//
// Set SITE_SCREENSHOT=/tmp/stage1.png to also save a screenshot of the Stage 1 page.

import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHROMIUM, DIST, TEST_TIMEOUT_MS, launchChromium, openPage as openPageIn, serveSite, stopServer } from './served-site.mjs'
// The grader's table of hints keyed to failures, which names handout sections too.
import { HINTS_TABLE, readHints } from '../hints.data.mjs'

// The sources whose slot hints name sections of a handout: "see the <M> handout, '<Section>'".
const STAGE4_SOURCES = fileURLToPath(new URL('../../project4-txn/src/', import.meta.url))
// Stage 2 slots live in both projects of project2-raft: the Raft library and the raftstore; so
// do the raftstore slots of Stage 3B.
const STAGE2_SOURCES = fileURLToPath(new URL('../../project2-raft/src/', import.meta.url))
// The scheduler's slots (3C) live in project3-multiraft.
const STAGE3_SOURCES = fileURLToPath(new URL('../../project3-multiraft/src/', import.meta.url))
const slotHint = (milestones) => new RegExp(`Todo\\.Slot\\("(${milestones})",\\s*"[^"]*see the \\1 handout, '([^']+)'`, 'g')

/** Maps each section named by a slot hint of the given milestones to the files (and milestones) that name it. */
async function slotSections(sources, milestones) {
  const sections = new Map()
  const files = (await readdir(sources, { recursive: true })).filter(
    (name) => name.endsWith('.cs') && !/(^|[\\/])(bin|obj)[\\/]/.test(name),
  )
  for (const name of files.sort()) {
    for (const [, milestone, section] of (await readFile(join(sources, name), 'utf8')).matchAll(slotHint(milestones))) {
      const named = sections.get(section) ?? []
      named.push(`${name} (${milestone})`)
      sections.set(section, named)
    }
  }
  return sections
}

describe('course site', () => {
  let server
  let browser
  let baseUrl

  before(async () => {
    assert.ok(
      existsSync(join(DIST, 'index.html')),
      `the built site is missing (${DIST}): run npm run docs:build first`,
    )
    // These tests open the site at the root of the server; sub-path.test.mjs builds its own.
    assert.ok(
      /<script type="module" src="\/assets\//.test(await readFile(join(DIST, 'index.html'), 'utf8')),
      `the site in ${DIST} was built for a sub-path: build it for the root (npm run docs:build, TINYKV_SITE_BASE unset)`,
    )
    assert.ok(existsSync(CHROMIUM), `no chromium at ${CHROMIUM}: apt-get install -y chromium`)
    server = await serveSite(DIST)
    baseUrl = `http://127.0.0.1:${server.address().port}`
    browser = await launchChromium()
  })

  after(async () => {
    await browser?.close()
    await stopServer(server)
  })

  const openPage = () => openPageIn(browser)

  test('the Stage 1 page renders its title and the sidebar', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, close } = await openPage()
    try {
      await page.goto(`${baseUrl}/stage1.html`)

      await assert.doesNotReject(page.locator('h1', { hasText: 'Stage 1 — Standalone KV' }).waitFor())
      const sidebar = page.locator('.VPSidebar')
      await sidebar.waitFor({ state: 'visible' })
      for (const text of ['Getting started', 'Roadmap', 'Standalone KV', 'Instructor guide']) {
        assert.equal(await sidebar.getByRole('link', { name: text, exact: true }).count(), 1, `sidebar link "${text}"`)
      }

      if (process.env.SITE_SCREENSHOT) {
        await page.screenshot({ path: process.env.SITE_SCREENSHOT, fullPage: false })
      }
    } finally {
      await close()
    }
  })

  test('the sidebar link "Instructor guide" navigates in the page to the instructor guide', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, close } = await openPage()
    try {
      await page.goto(`${baseUrl}/stage1.html`)
      await page.locator('h1', { hasText: 'Stage 1 — Standalone KV' }).waitFor()
      // A marker on window survives client-side routing but not a full page load.
      await page.evaluate(() => {
        window.__sameDocument = true
      })

      await page.locator('.VPSidebar').getByRole('link', { name: 'Instructor guide', exact: true }).click()

      await page.waitForURL(/\/instructor\.html$/)
      await page.locator('h1', { hasText: 'Instructor guide' }).waitFor()
      assert.equal(await page.evaluate(() => window.__sameDocument === true), true, 'navigation reloaded the page')
    } finally {
      await close()
    }
  })

  test('the home page shows the hero and its Stage 1 link works', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, close } = await openPage()
    try {
      await page.goto(`${baseUrl}/`)

      const hero = page.locator('.VPHero')
      await hero.waitFor({ state: 'visible' })
      assert.match(await hero.locator('.name').innerText(), /TinyKV for \.NET/)

      await hero.getByRole('link', { name: 'Stage 1 — Standalone KV' }).click()

      await page.waitForURL(/\/stage1\.html$/)
      await page.locator('h1', { hasText: 'Stage 1 — Standalone KV' }).waitFor()
    } finally {
      await close()
    }
  })

  // The handouts after Stage 1: each renders its title, lists every stage in the sidebar and
  // loads without console errors.
  const HANDOUTS = [
    { path: '/stage2a.html', title: 'Stage 2A — The Raft library' },
    { path: '/stage2b.html', title: 'Stage 2B — A fault-tolerant store on Raft' },
    { path: '/stage2c.html', title: 'Stage 2C — Log compaction and snapshots' },
    { path: '/stage3a.html', title: 'Stage 3A — Membership change and leader transfer' },
    { path: '/stage3b.html', title: 'Stage 3B — Multi-Raft: conf change and split' },
    { path: '/stage3c.html', title: 'Stage 3C — The scheduler' },
    { path: '/stage4.html', title: 'Stage 4 — Transactions' },
    { path: '/debugging.html', title: 'Debugging a failing cluster test' },
    { path: '/benchmarks.html', title: 'Benchmarks' },
    { path: '/running-a-cluster.html', title: 'Running a cluster' },
  ]
  const SIDEBAR_LINKS = [
    'Standalone KV',
    '2A — Raft library',
    '2B — Fault-tolerant store',
    '2C — Log compaction and snapshots',
    '3A — Membership and leader transfer',
    '3B — Multi-Raft: conf change and split',
    '3C — The scheduler',
    '4A–4C — Transactions',
    'Debugging cluster tests',
    'Benchmarks',
    'Running a cluster',
  ]

  for (const { path, title } of HANDOUTS) {
    test(`${path} renders its title and the sidebar, without console errors`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const { page, close } = await openPage()
      const problems = []
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`)
      })
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
      })
      try {
        await page.goto(`${baseUrl}${path}`, { waitUntil: 'networkidle' })

        await assert.doesNotReject(page.locator('h1', { hasText: title }).waitFor())
        const sidebar = page.locator('.VPSidebar')
        await sidebar.waitFor({ state: 'visible' })
        for (const text of SIDEBAR_LINKS) {
          assert.equal(await sidebar.getByRole('link', { name: text, exact: true }).count(), 1, `sidebar link "${text}"`)
        }
        assert.deepEqual(problems, [])
      } finally {
        await close()
      }
    })
  }

  test('every section a Stage 4 slot names is a heading of the Stage 4 page', { timeout: TEST_TIMEOUT_MS }, async () => {
    const sections = await slotSections(STAGE4_SOURCES, '4[ABC]')
    assert.ok(sections.size > 0, `no "see the 4X handout, 'Section'" hints found under ${STAGE4_SOURCES}`)

    const { page, close } = await openPage()
    try {
      await page.goto(`${baseUrl}/stage4.html`)
      await page.locator('h1', { hasText: 'Stage 4 — Transactions' }).waitFor()

      // A heading's text ends in its permalink, an anchor holding a zero-width space.
      const headings = await page
        .locator('.vp-doc h2, .vp-doc h3')
        .evaluateAll((nodes) => nodes.map((node) => node.textContent.replace(/\u200b/g, '').trim()))
      for (const [section, slots] of sections) {
        assert.ok(headings.includes(section), `no heading '${section}', named by ${slots.join(', ')}`)
      }
      for (const part of ['part-4a', 'part-4b', 'part-4c']) {
        assert.equal(await page.locator(`.vp-doc h2#${part}`).count(), 1, `anchor #${part}`)
      }
    } finally {
      await close()
    }
  })

  // The milestones with a page of their own: every section their slot hints name is a heading of
  // that page.
  const MILESTONE_PAGES = [
    { milestone: '2B', path: '/stage2b.html', title: 'Stage 2B — A fault-tolerant store on Raft', sources: STAGE2_SOURCES },
    { milestone: '2C', path: '/stage2c.html', title: 'Stage 2C — Log compaction and snapshots', sources: STAGE2_SOURCES },
    { milestone: '3B', path: '/stage3b.html', title: 'Stage 3B — Multi-Raft: conf change and split', sources: STAGE2_SOURCES },
    { milestone: '3C', path: '/stage3c.html', title: 'Stage 3C — The scheduler', sources: STAGE3_SOURCES },
  ]

  for (const { milestone, path, title, sources } of MILESTONE_PAGES) {
    test(`every section a Stage ${milestone} slot names is a heading of the Stage ${milestone} page`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const sections = await slotSections(sources, milestone)
      assert.ok(sections.size > 0, `no "see the ${milestone} handout, 'Section'" hints found under ${sources}`)

      const { page, close } = await openPage()
      try {
        await page.goto(`${baseUrl}${path}`)
        await page.locator('h1', { hasText: title }).waitFor()

        const headings = await page
          .locator('.vp-doc h2, .vp-doc h3')
          .evaluateAll((nodes) => nodes.map((node) => node.textContent.replace(/\u200b/g, '').trim()))
        for (const [section, slots] of sections) {
          assert.ok(headings.includes(section), `no heading '${section}', named by ${slots.join(', ')}`)
        }
      } finally {
        await close()
      }
    })
  }

  // The grader's hints keyed to failures (course/hints.json): every section a hint names is a
  // heading of its page, and the hints page lists every hint with a link that lands on it.
  test('every section a failure hint names is a heading of its page, and the hints page links there', { timeout: TEST_TIMEOUT_MS }, async () => {
    const hints = readHints()
    assert.ok(hints.length > 6, `only ${hints.length} hints in ${HINTS_TABLE}`)

    const { page, close } = await openPage()
    try {
      const headingsOf = new Map()
      for (const hint of hints) {
        if (!headingsOf.has(hint.page)) {
          const response = await page.goto(`${baseUrl}/${hint.page}.html`)
          assert.equal(response.status(), 200, `hint '${hint.id}' names the page ${hint.page}, which the site does not have`)
          await page.locator('.vp-doc h1').waitFor()
          headingsOf.set(hint.page, await page
            .locator('.vp-doc h2, .vp-doc h3')
            .evaluateAll((nodes) => nodes.map((node) => node.textContent.replace(/\u200b/g, '').trim())))
        }
        assert.ok(headingsOf.get(hint.page).includes(hint.section), `hint '${hint.id}': no heading '${hint.section}' on ${hint.page}`)
      }

      for (const hint of hints) {
        await page.goto(`${baseUrl}/hints.html`)
        const row = page.locator(`tr#hint-${hint.id}`)
        await row.waitFor()
        assert.ok((await row.textContent()).includes(hint.title), `the hints page lists '${hint.title}'`)
        await row.locator('a').click()
        await page.waitForURL((url) => url.pathname === `/${hint.page}.html` && url.hash.length > 1)
        const target = decodeURIComponent(new URL(page.url()).hash.slice(1))
        // The URL changes before the new page renders: wait for its content, then look.
        await page.locator('.vp-doc h1').waitFor()
        await page.locator(`.vp-doc [id="${target}"]`).first().waitFor({ timeout: 5000 }).catch(() => {})
        const heading = await page.locator(`.vp-doc [id="${target}"]`).evaluateAll((nodes) => nodes.map((node) => node.textContent.replace(/\u200b/g, '').trim()))
        assert.deepEqual(heading, [hint.section], `hint '${hint.id}' links to #${target} on ${hint.page}, which is not the heading '${hint.section}'`)
      }
    } finally {
      await close()
    }
  })

  // The pictures are SVG files in docs/public: each must load and have a size, not only exist.
  const PICTURES = [
    { path: '/running-a-cluster.html', title: 'Running a cluster', image: '/cluster-processes.svg' },
    { path: '/getting-started.html', title: 'Getting started', image: '/architecture.svg' },
  ]

  for (const { path, title, image } of PICTURES) {
    test(`${path} shows the picture ${image}`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const { page, close } = await openPage()
      try {
        await page.goto(`${baseUrl}${path}`, { waitUntil: 'networkidle' })
        await page.locator('h1', { hasText: title }).waitFor()

        const picture = page.locator(`.vp-doc img[src="${image}"]`)
        assert.equal(await picture.count(), 1, `one <img src="${image}">`)
        const size = await picture.evaluate((img) => ({ complete: img.complete, width: img.naturalWidth, height: img.naturalHeight }))
        assert.ok(size.complete && size.width > 0 && size.height > 0, `${image} did not load: ${JSON.stringify(size)}`)
        assert.ok((await picture.getAttribute('alt'))?.length > 20, `${image} has a description`)
      } finally {
        await close()
      }
    })
  }

  test('a worked-example link of the Stage 2A handout opens the scenario file', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, close } = await openPage()
    try {
      await page.goto(`${baseUrl}/stage2a.html`)
      await page.locator('h1', { hasText: 'Stage 2A — The Raft library' }).waitFor()

      await page.locator('.vp-doc').getByRole('link', { name: 'election.txt', exact: true }).click()

      await page.waitForURL(/\/Transcripts\/election\.txt$/)
      assert.match(await page.locator('body').innerText(), /^# milestone: 2AC/)
    } finally {
      await close()
    }
  })

  test('the Stage 1 page loads without console errors', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { page, close } = await openPage()
    const problems = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
    })
    try {
      await page.goto(`${baseUrl}/stage1.html`, { waitUntil: 'networkidle' })
      await page.locator('h1', { hasText: 'Stage 1 — Standalone KV' }).waitFor()

      assert.deepEqual(problems, [])
    } finally {
      await close()
    }
  })
})
