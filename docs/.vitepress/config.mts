import { cp, readdir } from 'node:fs/promises'
import { join, posix, resolve } from 'node:path'
import { defineConfig, type MarkdownRenderer } from 'vitepress'
import { SITE_BASE_VARIABLE, siteBase } from './site-base.mjs'

// The scenario files the handouts link to as worked examples. The links are written relative to
// docs/ (`../project2-raft/…/election.txt`), so they work when reading the Markdown in the
// repository; the build copies the files to the same paths under the site's base, and
// linkScenariosFromSiteRoot points the links at the copies.
const PUBLISHED_SCENARIOS = [
  'project2-raft/tests/TinyKv.Raft.Tests/Transcripts',
  'project3-multiraft/tests/TinyKv.MultiRaft.Tests/Transcripts',
]

/**
 * Points the handouts' links to published scenario files at their copies on the site. A relative
 * link that leaves docs/ only works on a site served at the host's root; written from the site's
 * root ("/project2-raft/…") it gets the base like every other link, so it works under a sub-path.
 */
function linkScenariosFromSiteRoot(md: MarkdownRenderer) {
  md.core.ruler.push('published_scenario_links', (state) => {
    const folder = posix.dirname(state.env.relativePath ?? '')
    for (const token of state.tokens.flatMap((block) => block.children ?? [])) {
      const href = token.type === 'link_open' ? token.attrGet('href') : null
      if (!href?.startsWith('../')) continue
      const target = posix.join('docs', folder, href) // relative to the repository
      if (PUBLISHED_SCENARIOS.some((published) => target.startsWith(`${published}/`))) {
        token.attrSet('href', `/${target}`)
      }
    }
  })
}

// The course site: handouts for students, a roadmap, and the instructor guide.
// Built to static HTML with `npm run docs:build` (output in .vitepress/dist), for the root of a
// host; `TINYKV_SITE_BASE=/tinykv/ npm run docs:build` builds it for https://<host>/tinykv/
// (the instructor guide, "Publishing the site").
export default defineConfig({
  title: 'TinyKV for .NET',
  description: 'Build a distributed transactional key-value store in C#, in four stages.',
  lang: 'en-US',
  base: siteBase(process.env[SITE_BASE_VARIABLE]),
  // Keep the .html suffix in links so any plain static file server can host the site.
  cleanUrls: false,
  lastUpdated: false,

  markdown: {
    config: linkScenariosFromSiteRoot,
  },

  async buildEnd(siteConfig) {
    const repository = resolve(siteConfig.srcDir, '..')
    for (const folder of PUBLISHED_SCENARIOS) {
      const files = (await readdir(join(repository, folder))).filter((name) => name.endsWith('.txt'))
      for (const name of files) {
        await cp(join(repository, folder, name), join(siteConfig.outDir, folder, name))
      }
    }
  },

  themeConfig: {
    nav: [
      { text: 'Home', link: '/' },
      { text: 'Stage 1', link: '/stage1' },
      // Stage 2 has three pages (2A, 2B, 2C); the entry is active on each.
      { text: 'Stage 2', link: '/stage2a', activeMatch: '^/stage2' },
      // Stage 3 has a page per milestone (3A, 3B, 3C); the entry is active on each.
      { text: 'Stage 3', link: '/stage3a', activeMatch: '^/stage3' },
      { text: 'Stage 4', link: '/stage4' },
      { text: 'Instructors', link: '/instructor' },
    ],

    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'Roadmap', link: '/stages' },
          { text: 'Running a cluster', link: '/running-a-cluster' },
        ],
      },
      {
        text: 'Stage 1',
        items: [{ text: 'Standalone KV', link: '/stage1' }],
      },
      {
        text: 'Stage 2',
        items: [
          { text: '2A — Raft library', link: '/stage2a' },
          { text: '2B — Fault-tolerant store', link: '/stage2b' },
          { text: '2C — Log compaction and snapshots', link: '/stage2c' },
        ],
      },
      {
        text: 'Stage 3',
        items: [
          { text: '3A — Membership and leader transfer', link: '/stage3a' },
          { text: '3B — Multi-Raft: conf change and split', link: '/stage3b' },
          { text: '3C — The scheduler', link: '/stage3c' },
        ],
      },
      {
        text: 'Stage 4',
        items: [{ text: '4A–4C — Transactions', link: '/stage4' }],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Debugging cluster tests', link: '/debugging' },
          { text: 'Hints keyed to failures', link: '/hints' },
          { text: 'Benchmarks', link: '/benchmarks' },
        ],
      },
      {
        text: 'Instructors',
        items: [{ text: 'Instructor guide', link: '/instructor' }],
      },
    ],

    // The search index is built with the site; searching needs no network.
    search: { provider: 'local' },

    outline: { level: [2, 3] },

    footer: {
      message: 'A C# edition of the TinyKV course.',
    },
  },
})
