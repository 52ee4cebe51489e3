// What the browser scripts share: starting Debian's Chromium, the two widths every page is
// seen at, and signing in through the demo login as a person does.
import { chromium } from 'playwright-core';

/// Desktop and phone: every page is checked, and photographed, at both.
export const VIEWPORTS = [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 390, height: 844 },
];

/// The people habilis serves read French: dates, number formats and the date picker follow.
export const FRENCH = { locale: 'fr-FR', timezoneId: 'Europe/Paris' };

export async function launch() {
  return chromium.launch({
    executablePath: process.env.HABILIS_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--lang=fr-FR', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--font-render-hinting=none'],
  });
}

/// Signs in with the demo login as the account with this email: the login page lists one form
/// per account, and the one whose text shows the email is submitted with its own button. The
/// markup may change: only the form's action and its visible text are relied on. A `?q=`
/// search is tried first, for when the page filters a long list; an unknown query string is
/// ignored by the page, which then lists every account.
export async function signIn(page, baseUrl, email) {
  if (!email) return;
  for (const path of [`/connexion?q=${encodeURIComponent(email)}`, '/connexion']) {
    await page.goto(`${baseUrl}${path}`);
    const forms = page.locator('form[action="/connexion/demo"]').filter({ hasText: email });
    if ((await forms.count()) === 0) continue;
    const form = forms.first();
    await Promise.all([
      page.waitForURL((u) => !u.pathname.startsWith('/connexion'), { timeout: 10000 }),
      form.locator('button[type=submit], button:not([type]), input[type=submit]').first().click(),
    ]);
    return;
  }
  throw new Error(`no demo account ${email} on ${baseUrl}/connexion`);
}
