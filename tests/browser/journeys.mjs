// The journeys' browser-only promises, at 1280 and 390 px: what only a browser can show
// (focus, tab stops, what is visible without JavaScript). The Rust test
// tests/api/browser_journeys.rs makes the data and passes it as JSON:
//   node journeys.mjs <base url> '{"applicant": email, "empty": id, "filled": id, "to_submit": id}'
// Prints a JSON report; exits 1 when a check fails.
import { FRENCH, VIEWPORTS, launch, signIn } from './common.mjs';

const [baseUrl, json] = process.argv.slice(2);
const data = JSON.parse(json);
const failures = [];
const passed = [];

function check(viewport, name, ok, detail) {
  (ok ? passed : failures).push({ width: viewport.width, check: name, detail });
}

/// The tabbable elements of `main`, in order: tag, type and id of each.
async function tabbablesInMain(page) {
  return page.evaluate(() => {
    const selector = ['a[href]', 'button', 'input', 'select', 'textarea', 'summary', '[tabindex]']
      .map((s) => `main ${s}`).join(', ');
    return [...document.querySelectorAll(selector)]
      .filter((el) => el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden')
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => ({ tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id, text: (el.textContent || '').trim().slice(0, 40) }));
  });
}

/// Waits for the page to load a URL matching `predicate`, past navigations the browser
/// aborts (a double click starts two).
async function landsOn(page, predicate) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await page.waitForURL(predicate, { waitUntil: 'load', timeout: 15000 });
      return;
    } catch (e) {
      if (!/ERR_ABORTED|detached|interrupted/.test(String(e))) throw e;
    }
  }
  await page.waitForURL(predicate, { waitUntil: 'load', timeout: 15000 });
}

const browser = await launch();
try {
  for (const viewport of VIEWPORTS) {
    const context = await browser.newContext({ ...FRENCH, viewport });
    const page = await context.newPage();
    await signIn(page, baseUrl, data.applicant);
    const landing = new URL(page.url()).pathname;
    const inProgress = await page.getByRole('heading', { name: 'Mes demandes en cours' }).isVisible();
    check(viewport, 'the applicant lands on her demandes in progress',
      landing === '/demandes' && inProgress, { landing, inProgress });

    // An error-summary link puts the focus in the field it names, not on a wrapper.
    await page.goto(`${baseUrl}/demandes/${data.empty}/resume`);
    const links = page.locator('.error-summary a[href*="#"]');
    const count = await links.count();
    check(viewport, 'the summary lists problems before submitting', count > 0, `${count} links`);
    // The summary's problems are a warning (orange); errors are red: never the same colour.
    const colours = await page.evaluate(() => {
      // The DSFR draws an alert's coloured border and band with background gradients.
      const bar = (el) => getComputedStyle(el).backgroundImage;
      const warning = document.querySelector('.error-summary.fr-alert--warning');
      const error = document.createElement('div');
      error.className = 'fr-alert fr-alert--error';
      document.body.append(error);
      const found = { warning: warning ? bar(warning) : null, error: bar(error) };
      error.remove();
      return found;
    });
    check(viewport, 'warning and error colours differ',
      colours.warning !== null && colours.warning !== colours.error, colours);
    if (count > 0) {
      const href = await links.first().getAttribute('href');
      await links.first().click();
      await page.waitForLoadState('load');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        return { tag: el.tagName.toLowerCase(), id: el.id, hash: location.hash.slice(1) };
      });
      check(viewport, 'an error link focuses its input',
        ['input', 'select', 'textarea'].includes(focused.tag) && focused.id === focused.hash,
        { href, focused });
    }

    // The stepper is not a row of links to tab through before the first field.
    await page.goto(`${baseUrl}/demandes/${data.filled}/etapes/1`);
    const tabbables = await tabbablesInMain(page);
    const firstField = tabbables.findIndex((t) => ['input', 'select', 'textarea'].includes(t.tag));
    check(viewport, 'at most 3 tab stops in the page before the first field',
      firstField >= 0 && firstField <= 3, { before: tabbables.slice(0, Math.max(firstField, 0)) });

    // Submitting says what happened and who was told.
    await page.goto(`${baseUrl}/demandes/${data.to_submit}/resume`);
    // The DSFR draws the box over the input, and the label holds a link to the CGU: tick the
    // box itself, where a person clicks.
    await page.locator('label[for=cgu]').click({ position: { x: 8, y: 12 } });
    if (!(await page.locator('#cgu').isChecked())) await page.locator('#cgu').check({ force: true });
    // A double click, as happens: the same person repeating the same action lands on the
    // done action's page, not on a conflict. The second click aborts the first click's
    // navigation (the browser's doing, not the page's): wait for the one that lands.
    const submitted = `/demandes/${data.to_submit}`;
    await page.getByRole('button', { name: 'Soumettre la demande' }).dblclick();
    await landsOn(page, (u) => u.pathname === submitted);
    const status = page.getByRole('status');
    const said = (await status.count()) > 0 ? await status.first().innerText() : '';
    check(viewport, 'a double-clicked submission is confirmed with who was told',
      /prévenus/.test(said) && await status.first().isVisible(), said);
    data.to_submit = data.to_submit_second;

    // A 404 keeps the signed-in person's header and offers ways onwards.
    const response = await page.goto(`${baseUrl}/demandes/page-qui-n-existe-pas`);
    const onwards = await page.locator('main a[href="/demandes"]').count();
    const signOut = await page.locator('header form[action="/deconnexion"]').count();
    const title = await page.title();
    check(viewport, '404 keeps the header, links onwards, says Erreur in its title',
      response.status() === 404 && onwards > 0 && signOut > 0 && title.startsWith('Erreur : '),
      { status: response.status(), onwards, signOut, title });
    const forbidden = await page.goto(`${baseUrl}/instruction`);
    const kept = await page.locator('header form[action="/deconnexion"]').count();
    const forbiddenTitle = await page.title();
    check(viewport, '403 keeps the header and says Erreur in its title',
      forbidden.status() === 403 && kept > 0 && forbiddenTitle.startsWith('Erreur : '),
      { status: forbidden.status(), kept, title: forbiddenTitle });
    await context.close();

    // The instructor: from a filtered list to the demande, answers before the one decision
    // block, a decision confirmed, the history newest first, and the way back to the list.
    const desk = await browser.newContext({ ...FRENCH, viewport });
    const work = await desk.newPage();
    await signIn(work, baseUrl, data.instructor);
    const id = data.submitted.shift();
    await work.goto(`${baseUrl}/instruction?etat=submitted`);
    await Promise.all([
      work.waitForURL((u) => u.pathname === `/instruction/demandes/${id}`),
      work.locator(`main a[href^="/instruction/demandes/${id}?"]:visible`).first().click(),
    ]);
    const back = await work.getByRole('link', { name: 'Retour à la liste' }).getAttribute('href');
    check(viewport, 'the demande links back to the filtered list', back === '/instruction?etat=submitted', back);
    const order = await work.evaluate(() => {
      const answers = document.getElementById('reponses');
      const reason = document.querySelectorAll('textarea[name=reason]');
      return {
        reasons: reason.length,
        answersFirst: !!answers && reason.length === 1
          && !!(answers.compareDocumentPosition(reason[0]) & Node.DOCUMENT_POSITION_FOLLOWING),
      };
    });
    const siret = (await work.locator('main').innerText()).includes('216 901 231 00011');
    check(viewport, 'answers first, then one decision text area; SIRET spaced',
      order.answersFirst && order.reasons === 1 && siret, { ...order, siret });
    await work.locator('textarea[name=reason]').fill('Dossier complet, merci.');
    await Promise.all([
      work.waitForURL((u) => u.searchParams.get('fait') !== null),
      work.getByRole('button', { name: 'Valider', exact: true }).click(),
    ]);
    const told = await work.getByRole('status').first().innerText();
    const newest = await work.locator('ol.timeline > li').first().innerText();
    check(viewport, 'a decision is confirmed with who was told; the history starts with it',
      /prévenu/.test(told) && /valid/i.test(newest), { told, newest });
    await desk.close();

    // Without JavaScript, the navigation and the sign-out stay reachable on every width.
    const bare = await browser.newContext({ ...FRENCH, viewport, javaScriptEnabled: false });
    const plain = await bare.newPage();
    await signIn(plain, baseUrl, data.applicant);
    await plain.goto(`${baseUrl}/demandes`);
    const nav = await plain.locator('#navigation a[href="/demandes"]').isVisible();
    const out = await plain.locator('header button', { hasText: 'Se déconnecter' }).first().isVisible();
    check(viewport, 'without JavaScript the menu and sign-out are visible', nav && out, { nav, out });
    await bare.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ passed: passed.length, failures }, null, 2));
process.exit(failures.length === 0 ? 0 : 1);
