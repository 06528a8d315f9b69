// The base path the site is built for (TINYKV_SITE_BASE), as config.mts reads it.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { siteBase } from '../.vitepress/site-base.mjs'

describe('siteBase', () => {
  const WRITTEN = [
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['tinykv', '/tinykv/'],
    ['/tinykv', '/tinykv/'],
    ['tinykv/', '/tinykv/'],
    [' /tinykv/ ', '/tinykv/'],
    ['/courses/cs-452.fall_2026/', '/courses/cs-452.fall_2026/'],
  ]
  for (const [value, base] of WRITTEN) {
    test(`${JSON.stringify(value)} is the base ${base}`, () => {
      assert.equal(siteBase(value), base)
    })
  }

  const MALFORMED = [
    ['https://example.edu/tinykv/', /"https:" is not a folder name/],
    ['/tinykv//handouts/', /two slashes in a row/],
    ['//tinykv', /two slashes in a row/],
    ['/../tinykv/', /"\.\." is not a folder name/],
    ['/my course/', /"my course" is not a folder name/],
    ['/tinykv/?v=2', /"\?v=2" is not a folder name/],
    ['/tinykv#top', /"tinykv#top" is not a folder name/],
  ]
  for (const [value, reason] of MALFORMED) {
    test(`${JSON.stringify(value)} is refused, saying why and how to write it`, () => {
      assert.throws(() => siteBase(value), (error) => {
        assert.match(error.message, /^TINYKV_SITE_BASE=".*" is not a path the site can be served under/)
        assert.match(error.message, reason)
        assert.match(error.message, /TINYKV_SITE_BASE=\/tinykv\//)
        return true
      })
    })
  }
})
