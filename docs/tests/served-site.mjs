// What the browser tests share: building the site, serving a built site on 127.0.0.1 under its
// base path, and Debian's headless chromium driven through playwright-core.

import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium } from 'playwright-core'
import { SITE_BASE_VARIABLE } from '../.vitepress/site-base.mjs'

/** The docs/ folder: the VitePress project. */
export const DOCS = fileURLToPath(new URL('../', import.meta.url))
/** Where `npm run docs:build` writes the site. */
export const DIST = join(DOCS, '.vitepress/dist/')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const PAGE_TIMEOUT_MS = 10_000
export const TEST_TIMEOUT_MS = 30_000
const BUILD_TIMEOUT_MS = 120_000

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Builds the site as an instructor publishing it would: `vitepress build` with TINYKV_SITE_BASE
 * set to `base`, into `outDir`. Rejects with the build's output when it fails.
 */
export async function buildSite({ base, outDir }) {
  const vitepress = join(DOCS, 'node_modules/.bin/vitepress')
  try {
    await promisify(execFile)(vitepress, ['build', '--outDir', outDir], {
      cwd: DOCS,
      env: { ...process.env, [SITE_BASE_VARIABLE]: base },
      timeout: BUILD_TIMEOUT_MS,
    })
  } catch (error) {
    error.message += `\n${error.stdout ?? ''}${error.stderr ?? ''}`
    throw error
  }
}

/** Maps a request path to a file under `dist` (ending in a separator), or null when it is outside `base` or would leave `dist`. */
function fileFor(dist, base, urlPath) {
  let path = decodeURIComponent(urlPath.split('?')[0].split('#')[0])
  if (!path.startsWith(base)) return null
  path = path.slice(base.length - 1)
  if (path.endsWith('/')) path += 'index.html'
  const file = normalize(join(dist, path))
  return file.startsWith(dist) ? file : null
}

async function isFile(file) {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
}

/**
 * Serves the built site in `dist` (a folder path ending in "/") at `base` on 127.0.0.1 and a free
 * port, as a static host would: "<base>stage1.html" is dist/stage1.html, "<base>stage1" too, and
 * everything else is a 404 (the site's own 404 page inside `base`, a bare one outside it).
 * Resolves to the running server.
 */
export function serveSite(folder, base = '/') {
  const dist = folder.endsWith(sep) ? folder : folder + sep
  const server = createServer(async (req, res) => {
    try {
      let file = fileFor(dist, base, req.url ?? '/')
      if (file && !(await isFile(file)) && (await isFile(file + '.html'))) file += '.html'
      if (!file || !(await isFile(file))) {
        const inside = (req.url ?? '/').startsWith(base)
        res.writeHead(404, { 'content-type': CONTENT_TYPES['.html'] })
        res.end(inside ? await readFile(join(dist, '404.html')).catch(() => 'not found') : 'not found')
        return
      }
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
      res.writeHead(200, { 'content-type': type })
      res.end(await readFile(file))
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(String(error))
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

/** Stops a server started by serveSite (or nothing, when it never started). */
export function stopServer(server) {
  return new Promise((resolve) => (server ? server.close(resolve) : resolve()))
}

/** Starts headless chromium, with nothing reaching out to the network on its own. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: PAGE_TIMEOUT_MS,
  })
}

/** A fresh page in its own context, wide enough that the sidebar shows. */
export async function openPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  context.setDefaultTimeout(PAGE_TIMEOUT_MS)
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS)
  const page = await context.newPage()
  return { page, close: () => context.close() }
}
