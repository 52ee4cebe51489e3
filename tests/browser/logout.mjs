// Headless Chromium signs in through the OpenID provider, then out, as a person would, and
// reports where the browser went: the sign-out must reach the provider's end-session page
// (a CSP form-action that forbids it leaves the provider's session open on a shared computer).
// Usage: node logout.mjs APP_URL PROVIDER_URL LOGIN
import { chromium } from 'playwright-core';

const [appUrl, providerUrl, login] = process.argv.slice(2);
const report = (step, detail) => console.log(JSON.stringify({ step, ...detail }));

const browser = await chromium.launch({
  executablePath: process.env.HABILIS_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  const violations = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });

  // Sign in: habilis, then the provider's login form and consent, then back.
  await page.goto(`${appUrl}/connexion`);
  await page.click('a[href="/connexion/proconnect"]');
  await page.waitForSelector('input[name=login]');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'peu-importe');
  await page.click('button[type=submit]');
  for (let i = 0; i < 3 && !page.url().startsWith(appUrl); i += 1) {
    await page.click('button[type=submit]'); // consent
    await page.waitForLoadState();
  }
  report('signed_in', { url: page.url(), heading: await page.textContent('h1') });

  // Sign out from habilis: the browser must reach the provider's end-session page.
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(providerUrl), { timeout: 5000 }).catch(() => {}),
    page.click('form[action="/deconnexion"] button'),
  ]);
  report('after_logout', { url: page.url(), violations });
  if (page.url().startsWith(providerUrl)) {
    // oidc-provider asks whether to end its session too.
    await page.click('button[name=logout], button[value=yes], button[type=submit]');
    await page.waitForURL((u) => u.href.startsWith(appUrl), { timeout: 5000 }).catch(() => {});
  }
  report('back_home', { url: page.url() });

  // Signing in again must ask for a login: the provider's session is closed.
  await page.goto(`${appUrl}/connexion/proconnect`);
  await page.waitForLoadState();
  report('sign_in_again', {
    url: page.url(),
    asks_for_login: (await page.$('input[name=login]')) !== null,
  });
} finally {
  await browser.close();
}
