// Photographs pages for the README, at desktop (1280 px) and phone (390 px) width:
// OUT_DIR/<name>-desktop.png and OUT_DIR/<name>-phone.png. The page is shot whole, but no
// taller than MAX_HEIGHT px, so the pictures stay small in the repository.
//
// Usage: node screenshots.mjs APP_URL PAGES_JSON OUT_DIR
//   PAGES_JSON: [{"name": "...", "account": "email or null", "path": "/..."}]
// Run by tests/browser/screenshots.sh, which starts the app with demo data.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FRENCH, launch, signIn, VIEWPORTS } from './common.mjs';

const MAX_HEIGHT = 1600;
const [baseUrl, pagesJson, outDir] = process.argv.slice(2);
if (!baseUrl || !pagesJson || !outDir) {
  console.error('usage: node screenshots.mjs APP_URL PAGES_JSON OUT_DIR');
  process.exit(2);
}
const pages = JSON.parse(pagesJson);
mkdirSync(outDir, { recursive: true });

const written = [];
const browser = await launch();
try {
  for (const account of [...new Set(pages.map((p) => p.account ?? null))]) {
    for (const viewport of VIEWPORTS) {
      const context = await browser.newContext({
        ...FRENCH,
        viewport: { width: viewport.width, height: viewport.height },
        deviceScaleFactor: 1,
        isMobile: viewport.label === 'phone',
        hasTouch: viewport.label === 'phone',
        reducedMotion: 'reduce',
      });
      const page = await context.newPage();
      await signIn(page, baseUrl, account);
      for (const p of pages.filter((x) => (x.account ?? null) === account)) {
        const response = await page.goto(`${baseUrl}${p.path}`, { waitUntil: 'load' });
        if (!response || !response.ok()) {
          throw new Error(`${p.path}: ${response ? response.status() : 'no answer'}`);
        }
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        const file = join(outDir, `${p.name}-${viewport.label}.png`);
        await page.screenshot({
          path: file,
          fullPage: true,
          clip: { x: 0, y: 0, width: viewport.width, height: Math.min(height, MAX_HEIGHT) },
          animations: 'disabled',
        });
        written.push(file);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ written }, null, 2));
