import { defineConfig } from 'vitepress'

// The course site: handouts for students, a roadmap, and the instructor guide.
// Built to static HTML with `npm run docs:build` (output in .vitepress/dist).
export default defineConfig({
  title: 'TinyKV for .NET',
  description: 'Build a distributed transactional key-value store in C#, in four stages.',
  lang: 'en-US',
  base: '/',
  // Keep the .html suffix in links so any plain static file server can host the site.
  cleanUrls: false,
  lastUpdated: false,

  themeConfig: {
    nav: [
      { text: 'Home', link: '/' },
      { text: 'Stage 1', link: '/stage1' },
      { text: 'Instructors', link: '/instructor' },
    ],

    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'Roadmap', link: '/stages' },
        ],
      },
      {
        text: 'Stage 1',
        items: [{ text: 'Standalone KV', link: '/stage1' }],
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
