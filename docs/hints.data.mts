import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// The grader's hints keyed to failures, read from the one table (course/hints.json) for the
// page that lists them (hints.md). Lines that start with // are comments in that file.
const TABLE = fileURLToPath(new URL('../course/hints.json', import.meta.url))

export interface FailureHint {
  id: string
  title: string
  match?: string
  outcome?: string
  quote?: string
  hint: string
  page: string
  section: string
  /** The page and heading the hint points to, relative to hints.html. */
  link: string
}

/** The anchor VitePress gives a heading (the slugify of @mdit-vue/shared). */
export function slug(heading: string): string {
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

export function readHints(path: string = TABLE): FailureHint[] {
  const text = readFileSync(path, 'utf8').replace(/^\s*\/\/.*$/gm, '')
  const hints = JSON.parse(text).hints as Omit<FailureHint, 'link'>[]
  return hints.map((hint) => ({ ...hint, link: `${hint.page}.html#${slug(hint.section)}` }))
}

export default {
  watch: ['../course/hints.json'],
  load(): FailureHint[] {
    return readHints()
  },
}
