import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The grader's hints keyed to failures, read from the one table (course/hints.json) for the
// page that lists them (hints.md) and for the browser test. Lines that start with // are
// comments in that file.
export const HINTS_TABLE = fileURLToPath(new URL('../course/hints.json', import.meta.url))

/** The anchor VitePress gives a heading (the slugify of @mdit-vue/shared). */
export function slug(heading) {
  return heading
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[\u0000-\u001f]/g, '')
    .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase()
}

/**
 * The table's hints, each with `link`: the page and heading it points to, relative to hints.html.
 * @returns {{ id: string, title: string, match?: string, outcome?: string, quote?: string, hint: string, page: string, section: string, link: string }[]}
 */
export function readHints(path = HINTS_TABLE) {
  const text = readFileSync(path, 'utf8').replace(/^\s*\/\/.*$/gm, '')
  return JSON.parse(text).hints.map((hint) => ({ ...hint, link: `${hint.page}.html#${slug(hint.section)}` }))
}

export default {
  watch: ['../course/hints.json'],
  load() {
    return readHints()
  },
}
