// Every page, at 1280 and at 390 px wide, in headless Chromium: axe-core finds no WCAG 2.0 or
// 2.1 A/AA violation (the level RGAA 4 asks of a French public service), and nothing is wider
// than the window (on a phone, a page that scrolls sideways hides half of each line).
//
// Usage: node pages.mjs APP_URL PAGES_JSON
//   PAGES_JSON: [{"name": "...", "account": "email or null", "path": "/...", "status": 200}]
//   (`status` defaults to 200; `account` null visits signed out; `no_scroll`: true also fails
//   the page when any element of it scrolls sideways, at either width: a table that must fit).
// Prints one JSON report on stdout: {"checked": N, "failures": [...]}; exits 1 when anything
// failed. Each failure names the page, the width and what went wrong: axe rule ids with the
// selectors of their nodes, or the elements sticking out of the window, widest first.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FRENCH, launch, signIn, VIEWPORTS } from './common.mjs';

// axe-core is evaluated through the DevTools protocol, which the app's CSP (script-src 'self')
// does not govern: a <script> tag would be refused, and the CSP stays on as people get it.
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const [baseUrl, pagesJson] = process.argv.slice(2);
if (!baseUrl || !pagesJson) {
  console.error('usage: node pages.mjs APP_URL PAGES_JSON');
  process.exit(2);
}
const pages = JSON.parse(pagesJson);

/// Measured in the page: the document's width against the window's, and when it is wider,
/// the elements that stick out (outside any element that scrolls or clips them), widest first.
function measureOverflow() {
  const limit = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= limit) return { scrollWidth, limit, offenders: [] };
  const selector = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 7; e = e.parentElement) {
      if (e.id) { parts.unshift(`${e.localName}#${e.id}`); break; }
      let part = e.localName;
      const classes = [...e.classList].slice(0, 2);
      if (classes.length) part += `.${classes.join('.')}`;
      const parent = e.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.localName === e.localName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(e) + 1})`;
      }
      parts.unshift(part);
      if (e.localName === 'main' || e.localName === 'body') break;
    }
    return parts.join(' > ');
  };
  // Whether an ancestor that scrolls or clips holds the element in. An absolutely positioned
  // element escapes every such ancestor below its containing block (the nearest positioned
  // one): a visually hidden label in a scrolling table, with no positioned ancestor inside,
  // still widens the page.
  const clipped = (el) => {
    let position = getComputedStyle(el).position;
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      const contains = position === 'absolute' ? style.position !== 'static'
        : position !== 'fixed';
      if (contains && style.overflowX !== 'visible') return true;
      if (contains) position = style.position;
    }
    return false;
  };
  const offenders = [...document.body.querySelectorAll('*')]
    .map((el) => ({ el, rect: el.getBoundingClientRect() }))
    .filter(({ el, rect }) => rect.right > limit + 0.5 && rect.width > 0 && !clipped(el))
    .sort((a, b) => b.rect.width - a.rect.width || b.rect.right - a.rect.right)
    .slice(0, 8)
    .map(({ el, rect }) => ({
      selector: selector(el),
      width: Math.round(rect.width),
      right: Math.round(rect.right),
      text: (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60),
    }));
  return { scrollWidth, limit, offenders };
}

/// The elements that scroll sideways (overflow-x auto or scroll, content wider than the box):
/// a table in a scrolling box hides its last columns until one scrolls.
function measureScrollers() {
  return [...document.body.querySelectorAll('*')]
    .filter((el) => {
      const style = getComputedStyle(el);
      return (style.overflowX === 'auto' || style.overflowX === 'scroll')
        && el.scrollWidth > el.clientWidth + 1;
    })
    .map((el) => ({
      element: `${el.localName}${[...el.classList].slice(0, 3).map((c) => `.${c}`).join('')}`,
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }));
}

/// Checks one page at the current width, signed in as `where.account`; adds what fails to
/// `failures`.
async function check(page, p, where) {
  const response = await page.goto(`${baseUrl}${p.path}`, { waitUntil: 'load' });
  const status = response ? response.status() : 0;
  const wanted = p.status ?? 200;
  if (status !== wanted || new URL(page.url()).pathname !== p.path.split('?')[0]) {
    failures.push({ ...where, problem: 'status', status, wanted, url: page.url() });
    return;
  }
  const overflow = await page.evaluate(measureOverflow);
  if (overflow.offenders.length > 0 || overflow.scrollWidth > overflow.limit) {
    failures.push({ ...where, problem: 'horizontal_overflow', ...overflow });
  }
  if (p.no_scroll) {
    const scrollers = await page.evaluate(measureScrollers);
    if (scrollers.length > 0) failures.push({ ...where, problem: 'scrolls_sideways', scrollers });
  }
  await page.evaluate(AXE_SOURCE);
  const axe = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({
        target: n.target.join(' '),
        summary: (n.failureSummary || '').split('\n').slice(0, 3).join(' '),
      })),
      count: v.nodes.length,
    }));
  }, WCAG_TAGS);
  if (axe.length > 0) {
    failures.push({ ...where, problem: 'axe', rules: axe.map((v) => v.rule), violations: axe });
  }
}

const failures = [];
let checked = 0;
const browser = await launch();
try {
  // One browser context per account, signed in once: its cookies serve both widths.
  const accounts = [...new Set(pages.map((p) => p.account ?? null))];
  for (const account of accounts) {
    const context = await browser.newContext({ ...FRENCH, viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    try {
      await signIn(page, baseUrl, account);
    } catch (e) {
      failures.push({ page: '(sign-in)', account, problem: 'sign_in', detail: String(e) });
      await context.close();
      continue;
    }
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      for (const p of pages.filter((x) => (x.account ?? null) === account)) {
        checked += 1;
        const where = { page: p.name, path: p.path, account, width: viewport.width };
        try {
          await check(page, p, where);
        } catch (e) {
          failures.push({ ...where, problem: 'error', detail: String(e) });
        }
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
}

console.log(JSON.stringify({ checked, failures }, null, 2));
process.exit(failures.length > 0 ? 1 : 0);
