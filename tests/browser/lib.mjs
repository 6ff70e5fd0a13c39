// Shared helpers of the browser suite and the page benchmark: Debian's
// chromium through playwright-core (never a downloaded browser), sessions
// that record every console error, page error and CSP violation, and a
// wait for the page to settle (no request in flight).
import { chromium } from 'playwright-core';

export const BASE = process.env.BROWSER_URL;

export async function launch() {
  if (!BASE) throw new Error('BROWSER_URL is not set (tests/browser/run.sh sets it)');
  return chromium.launch({
    executablePath: process.env.BROWSER_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Dutch browser UI too (the file picker's button), as the users have it.
    args: ['--lang=nl-NL'],
  });
}

// A 401 on GET /v1/session is how the app learns that nobody is logged in
// (the cookie is HttpOnly, the page cannot look at it); Chromium logs every
// 4xx answer as a console error. That one is expected; everything else is not.
function expected(msg) {
  if (!/^Failed to load resource: the server responded with a status of 401/.test(msg.text)) return false;
  try {
    return new URL(msg.url).pathname === '/v1/session';
  } catch {
    return false;
  }
}

// A browser context (its own cookie jar) and page, with error recording.
// s.errors collects what went wrong; s.quiet(fn) runs fn while errors are
// expected (a request the test makes to be refused).
export async function session(browser, label) {
  const ctx = await browser.newContext({
    ignoreHTTPSErrors: true, // the daemon's self-signed certificate, in this context only
    viewport: { width: 1280, height: 800 },
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  const s = { ctx, page, label, errors: [], quietDepth: 0, inflight: 0, lastNet: Date.now() };
  const record = (what) => {
    if (s.quietDepth > 0) return;
    s.errors.push(what);
  };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const e = { text: m.text(), url: m.location()?.url || '' };
    if (expected(e)) return;
    record(`console: ${e.text}${e.url ? ` (${e.url})` : ''}`);
  });
  page.on('pageerror', (err) => record(`page error: ${err.message}`));
  // The DOM event for CSP violations, reported through a binding (an
  // exposed function is not a script the page's CSP judges).
  await page.exposeBinding('__sorttpCsp', (_src, text) => record(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__sorttpCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || ''}:${e.lineNumber || 0}`);
    }, true);
  });
  // The browser's own log: CSP and other security messages even when no
  // DOM event fires (e.g. a blocked frame).
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Log.enable');
  cdp.on('Log.entryAdded', ({ entry }) => {
    if (entry.level === 'error' && (entry.source === 'security' || /Content.Security.Policy/i.test(entry.text))) {
      record(`browser log (${entry.source}): ${entry.text}`);
    }
  });
  // In flight: from the request to its response (a body the page never
  // reads, e.g. of a 401, never "finishes") or its failure.
  const open = new Set();
  page.on('request', (r) => { open.add(r); s.inflight = open.size; s.lastNet = Date.now(); });
  const done = (r) => { open.delete(r); s.inflight = open.size; s.lastNet = Date.now(); };
  page.on('response', (resp) => done(resp.request()));
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  s.quiet = async (fn) => {
    s.quietDepth++;
    try {
      return await fn();
    } finally {
      s.quietDepth--;
    }
  };
  s.takeErrors = () => s.errors.splice(0, s.errors.length);
  return s;
}

// Waits until no request has been in flight for quietMs (the page fetched
// what it needs and drew it), at most maxMs.
export async function settle(s, quietMs = 400, maxMs = 60000) {
  const end = Date.now() + maxMs;
  for (;;) {
    if (s.inflight === 0 && Date.now() - s.lastNet >= quietMs) {
      // One animation frame so that the DOM reflects the last answer.
      await s.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      if (s.inflight === 0) return;
    }
    if (Date.now() > end) throw new Error(`page did not settle within ${maxMs} ms (${s.inflight} requests in flight)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Logs in through the login page with a token; resolves when the menu shows.
export async function login(s, token) {
  await s.page.goto(`${BASE}/#/inloggen`);
  await s.page.waitForSelector('form#login-form input#token', { state: 'visible', timeout: 30000 });
  await s.page.fill('input#token', token);
  await s.page.locator('form#login-form').evaluate((f) => f.requestSubmit());
  await s.page.waitForSelector('nav#menu', { state: 'visible', timeout: 30000 });
  await settle(s);
  s.loggedIn = true;
}

// Goes to a hash route and waits for the given selectors and a settled page.
export async function open(s, route, selectors = [], timeout = 20000) {
  const url = `${BASE}/#/${route}`;
  if (s.page.url() === 'about:blank') await s.page.goto(url);
  else await s.page.evaluate((r) => { window.location.hash = `#/${r}`; }, route);
  for (const sel of selectors) await s.page.waitForSelector(sel, { state: 'attached', timeout });
  await settle(s);
}
