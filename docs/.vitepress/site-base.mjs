// The URL path the course site is served under. A site at https://example.edu/ has the base "/";
// one at https://example.edu/tinykv/ (GitHub Pages of a repository named tinykv, or a folder of a
// department's web server) has the base "/tinykv/". Every link the build writes starts with it.

/** The environment variable that sets the base when the site is built. */
export const SITE_BASE_VARIABLE = 'TINYKV_SITE_BASE'

// A segment of the path: what a folder name on a web server can safely be without escaping.
const SEGMENT = /^[A-Za-z0-9._~-]+$/

/**
 * Returns the base path written as VitePress wants it, starting and ending with "/": "/" when
 * `value` is empty or missing, "/tinykv/" for "tinykv", "/tinykv" or "/tinykv/".
 * Throws when `value` is not a plain path: a full URL, "//", "." or "..", a space, "?" or "#".
 */
export function siteBase(value) {
  const written = (value ?? '').trim()
  if (written === '' || written === '/') return '/'
  const segments = written.replace(/^\//, '').replace(/\/$/, '').split('/')
  const wrong = segments.find((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..')
  if (wrong !== undefined) {
    throw new Error(
      `${SITE_BASE_VARIABLE}="${value}" is not a path the site can be served under ` +
        `(${wrong === '' ? 'two slashes in a row' : `"${wrong}" is not a folder name`}). Write the path of the site on its host, ` +
        `for example ${SITE_BASE_VARIABLE}=/tinykv/ for https://example.edu/tinykv/: ` +
        `folder names of letters, digits, ".", "_", "~" and "-" between slashes, no host name.`,
    )
  }
  return `/${segments.join('/')}/`
}
