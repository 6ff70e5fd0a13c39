// Page load times of the web app (bench/bench_pages.sh): logs in as an
// analist and as an aanbieder and prints, for every page, the time from
// the navigation to its tables and charts drawn (the required elements
// present and the last answer the page asked for received). Twice: the
// first visit (the daemon computes the answers) and a second one (its
// indicator cache answers). Prints; asserts nothing.
import { BASE, launch, session, settle, login, open } from './lib.mjs';

const env = process.env;
const rows = [];

async function time(s, label, fn, selectors) {
  const t0 = Date.now();
  await fn();
  for (const sel of selectors) await s.page.waitForSelector(sel, { state: 'attached', timeout: 600000 });
  const tSel = Date.now();
  await settle(s, 400, 600000);
  const ms = Math.max(tSel, s.lastNet) - t0;
  const tables = await s.page.$$eval('table.cijfers tbody tr', (r) => r.length);
  rows.push({ label, ms, tables });
  console.log(`${label.padEnd(52)} ${String(ms).padStart(7)} ms  (${tables} table rows)`);
}

const PAGES = {
  analist: [
    ['indicatoren', ['figure#trend svg', 'figure#vergelijking svg', 'table.cijfers tbody tr']],
    ['rapporten', ['table#rapporten']],
  ],
  aanbieder: [
    ['mijn-cijfers', ['figure#eigen svg', 'table.cijfers tbody tr']],
    ['aanleveren', ['input#bestand']],
    ['invoeren', ['form#invoer-form']],
    ['ontvangstbewijzen', ['table#bonnen']],
    ['rapporten', ['table#rapporten']],
  ],
};

const browser = await launch();
try {
  for (const [role, token] of [['analist', env.BROWSER_TOKEN_ANALIST], ['aanbieder', env.BROWSER_TOKEN_AANBIEDER_1]]) {
    const s = await session(browser, role);
    await time(s, `${role}: inloggen (page load)`, () => s.page.goto(`${BASE}/#/inloggen`), ['form#login-form']);
    await time(s, `${role}: log in, first page`, () => login(s, token), []);
    for (const round of ['first visit', 'second visit']) {
      for (const [route, sel] of PAGES[role]) {
        await time(s, `${role}: #/${route} (${round})`, () => open(s, route, [], 600000), sel);
      }
      if (role === 'analist') {
        for (const ind of ['tevredenheid', 'uitval', 'doelrealisatie']) {
          await open(s, 'indicatoren', ['select#f-indicator'], 600000);
          await time(s, `analist: #/indicatoren ${ind} (${round})`, () => s.page.selectOption('select#f-indicator', ind),
            ['figure#trend svg', 'table.cijfers tbody tr']);
        }
        await time(s, `analist: #/indicatoren per maand (${round})`, () => s.page.selectOption('select#f-periode', 'month'),
          ['figure#trend svg', 'table.cijfers tbody tr']);
        await s.page.selectOption('select#f-periode', 'quarter');
        await settle(s, 400, 600000);
      }
    }
    await s.ctx.close();
  }
} finally {
  await browser.close();
}
