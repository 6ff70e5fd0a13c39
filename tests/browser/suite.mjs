// The browser suite of the web app (issue #13), run by tests/browser/run.sh
// against the real daemon with demo data, written against the web contract
// (docs/webapp.md): pages, selectors and the figure tables' data-query,
// data-cel and data-veld attributes.
//
//   node suite.mjs main       every page as analist and aanbieder
//   node suite.mjs verlopen   idle and absolute session expiry (a daemon
//                             started with short session limits)
//
// A check of a page or element that does not exist FAILS; nothing is
// skipped. The last line is "N passed, N failed".
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE, launch, session, settle, login, open } from './lib.mjs';
import { readXlsx } from './xlsx.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const phase = process.argv[2] || 'main';
const SCREENS = env.BROWSER_SCREENS || join(here, '../../build-asan/browser-screens');
mkdirSync(SCREENS, { recursive: true });
const AXE = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const REGIO = JSON.parse(readFileSync(join(here, '../../config/gemeenten.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'sorttp-browser-dl-'));

// ---------------------------------------------------------------- results
let passed = 0;
let failed = 0;
let current = null;

class Fail extends Error {}

function note(msg) {
  current.problems.push(msg);
}
// A check that lets the test go on (so one run lists every mismatch).
function check(cond, msg) {
  if (!cond) note(msg);
  return !!cond;
}
// A check the rest of the test depends on.
function must(cond, msg) {
  if (!cond) throw new Fail(msg);
}
// Tests of a role stop at once when its login failed (reported once).
function need(s) {
  must(s.loggedIn, `not logged in as ${s.label} (see the login test above)`);
}

async function test(name, fn) {
  current = { name, problems: [] };
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    current.problems.push(e instanceof Fail ? e.message : `${e.message.split('\n')[0]}`);
  }
  const ms = Date.now() - t0;
  if (current.problems.length === 0) {
    passed++;
    console.log(`ok   ${name} (${ms} ms)`);
  } else {
    failed++;
    console.log(`FAIL ${name} (${ms} ms)`);
    for (const p of current.problems.slice(0, 40)) console.log(`     - ${p}`);
    if (current.problems.length > 40) console.log(`     ... and ${current.problems.length - 40} more`);
  }
}

const stats = { tables: 0, rows: 0, figures: 0, suppressed: 0, voorlopigRows: 0, voorlopigFigures: 0 };

// ---------------------------------------------------------------- helpers
async function waitVisible(s, sel, timeout = 30000) {
  try {
    await s.page.waitForSelector(sel, { state: 'visible', timeout });
    return true;
  } catch {
    return false;
  }
}

// In the logged-in page: fetch with the session cookie. Numbers in a JSON
// answer keep their source text ({__num: "69.1"}), so that the page's
// figures are compared with exactly what the server wrote.
async function api(s, path, init = {}) {
  return s.page.evaluate(async ({ path, init }) => {
    const r = await fetch(path, { credentials: 'same-origin', ...init });
    const headers = {};
    r.headers.forEach((v, k) => { headers[k] = v; });
    const text = await r.text();
    let json = null;
    let sourceText = true;
    if ((headers['content-type'] || '').includes('json')) {
      try {
        json = JSON.parse(text, function (k, v, ctx) {
          if (typeof v !== 'number') return v;
          if (!ctx || typeof ctx.source !== 'string') { sourceText = false; return v; }
          return { __num: ctx.source };
        });
      } catch { json = null; }
    }
    return { status: r.status, headers, text, json, sourceText };
  }, { path, init });
}

function plain(v) {
  // {__num: "12"} back to numbers, for answers used as data.
  if (v && typeof v === 'object') {
    if ('__num' in v && Object.keys(v).length === 1) return Number(v.__num);
    if (Array.isArray(v)) return v.map(plain);
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

async function csrfToken(s) {
  const r = await api(s, '/v1/session');
  return r.status === 200 && r.json ? r.json.csrf : null;
}

async function uploadsCount(s) {
  const r = await api(s, '/v1/uploads');
  must(r.status === 200, `GET /v1/uploads answered ${r.status}`);
  return plain(r.json).uploads.length;
}

// axe-core in the page. addScriptTag would insert an inline <script>,
// which the page's CSP (script-src 'self') blocks, as it should; the
// source is evaluated through the DevTools protocol instead (not judged
// by the page's CSP), with no CSP bypass.
async function axeCheck(s, where) {
  if (!(await s.page.evaluate(() => typeof window.axe === 'object'))) await s.page.evaluate(AXE);
  const res = await s.page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
  }));
  for (const v of res.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      const nodes = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
      note(`${where}: axe ${v.impact} ${v.id}: ${v.help} [${nodes}]${v.nodes.length > 3 ? ` +${v.nodes.length - 3}` : ''}`);
    }
  }
}

function noErrors(s, where) {
  for (const e of s.takeErrors()) note(`${where}: ${e}`);
}

// The checks every page gets: no console error, no page error, no CSP
// violation, no serious or critical axe violation; a screenshot.
async function pageDone(s, name) {
  await settle(s);
  noErrors(s, name);
  // Unique ids (WCAG 2.1 4.1.1; a label or aria reference to a duplicate
  // id points at the wrong element). axe rates this "minor", so it is
  // checked here.
  const dups = await s.page.evaluate(() => {
    const seen = new Map();
    for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `#${id} x${n}`);
  });
  check(dups.length === 0, `${name}: duplicate ids in the document: ${dups.join(', ')}`);
  await axeCheck(s, name);
  await s.page.screenshot({ path: join(SCREENS, `${name}.png`) });
  noErrors(s, name);
}

// A screenshot scrolled to an element (for the guides), then back up.
async function shotOf(s, sel, name) {
  await s.page.locator(sel).first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await s.page.screenshot({ path: join(SCREENS, `${name}.png`) });
  await s.page.evaluate(() => window.scrollTo(0, 0));
}

// ---------------------------------------------------- figure tables vs API
const celKey = (c) => {
  const k = [c.period || '', c.cluster || '', c.gemeente || '', c.aanbieder || '',
  c.vergelijking ? 'v' : ''].join('|');
  return c.groep ? `${k}|${c.groep}` : k;
};

function resolve(cell, path) {
  let v = cell;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || '__num' in v) return undefined;
    v = v[k];
  }
  return v;
}

function expectedText(cell, path) {
  if (cell.suppressed === true) return '.';
  const v = resolve(cell, path);
  if (v === null || v === undefined) return '–';
  if (typeof v === 'object' && '__num' in v) return v.__num.replace('.', ',');
  if (typeof v === 'string') return v;
  return { bad: `data-veld="${path}" is a ${typeof v} in the JSON, not a figure` };
}

// The shown text of a figure: the number itself (a trailing % or a
// Unicode minus sign are presentation).
function shown(text) {
  return text.replace(/\s+/g, ' ').trim().replace(/\s*%$/, '').replace(/\u2212/g, '-');
}

// Reads every table.cijfers; compares each with the API answer for its
// data-query, row for row and figure for figure. Returns the tables with
// their answers.
async function checkTables(s, where, { min = 1 } = {}) {
  const tables = await s.page.$$eval('table.cijfers', (ts) => ts.map((t) => {
    const box = t.closest('figure, section, article, div') || t.parentElement;
    let around = '';
    for (let e = t.parentElement, i = 0; e && i < 3; e = e.parentElement, i++) around = e.textContent;
    return {
      id: t.id || '',
      dekking: !!t.closest('section#dekking'),
      query: t.getAttribute('data-query'),
      caption: t.caption ? t.caption.textContent.trim() : '',
      visible: !!(t.offsetWidth || t.offsetHeight || t.getClientRects().length),
      legend: (box ? box.textContent : '') + ' ' + around,
      rows: [...t.tBodies].flatMap((b) => [...b.rows]).map((r) => ({
        cel: r.getAttribute('data-cel'),
        voorlopig: r.getAttribute('data-voorlopig'),
        figures: [...r.querySelectorAll('[data-veld]')].map((td) => ({
          veld: td.getAttribute('data-veld'), text: td.textContent,
          vl: td.classList.contains('voorlopig'),
        })),
      })),
    };
  }));
  check(tables.length >= min, `${where}: ${tables.length} table.cijfers, expected at least ${min}`);
  let suppressed = 0;
  const out = [];
  for (const [i, t] of tables.entries()) {
    const tn = `${where} table.cijfers[${i}]${t.id ? `#${t.id}` : ''}`;
    if (!check(typeof t.query === 'string' && t.query.startsWith('/v1/indicators/'),
      `${tn}: data-query ${JSON.stringify(t.query)} is not a /v1/indicators/ URL`)) continue;
    check(!/[?&]format=(?!json)/.test(t.query), `${tn}: data-query ${t.query} asks for another format than JSON`);
    const legend = t.legend.replace(/\s+/g, ' ');
    check(/\.\s*afgeschermd: te weinig cliënten/.test(legend), `${tn}: no legend ". afgeschermd: te weinig cliënten" beside it`);
    check(/–\s*niet te berekenen/.test(legend), `${tn}: no legend "– niet te berekenen" beside it`);
    check(/\*\s*voorlopig: kan nog veranderen/.test(legend), `${tn}: no legend "* voorlopig: kan nog veranderen" beside it`);
    const r = await api(s, t.query, { headers: { Accept: 'application/json' } });
    if (!check(r.status === 200 && r.json, `${tn}: GET ${t.query} answered ${r.status} ${r.text.slice(0, 200)}`)) continue;
    must(r.sourceText, 'this chromium has no JSON.parse source text access (needed to compare figures exactly)');
    const cells = new Map();
    for (const c of r.json.cells) cells.set(celKey(c), c);
    check(cells.size === r.json.cells.length, `${tn}: the answer has cells with the same data-cel key`);
    check(t.rows.length === r.json.cells.length,
      `${tn}: ${t.rows.length} body rows, the answer of ${t.query} has ${r.json.cells.length} cells`);
    const seen = new Set();
    for (const row of t.rows) {
      if (!check(row.cel !== null, `${tn}: a body row without data-cel`)) continue;
      const c = cells.get(row.cel);
      if (!check(c, `${tn}: row data-cel="${row.cel}" matches no cell of the answer`)) continue;
      check(!seen.has(row.cel), `${tn}: row data-cel="${row.cel}" twice`);
      seen.add(row.cel);
      check(row.figures.length > 0, `${tn}: row data-cel="${row.cel}" has no td[data-veld]`);
      if (c.suppressed) { suppressed++; stats.suppressed++; }
      // Voorlopig (contract.md): the row flag mirrors the JSON cell, and
      // only shown numbers of a voorlopig row carry td.voorlopig.
      const vl = c.voorlopig === true;
      check(row.voorlopig === (vl ? 'true' : null),
        `${tn} row "${row.cel}": data-voorlopig=${JSON.stringify(row.voorlopig)}, the API says voorlopig ${JSON.stringify(c.voorlopig)}`);
      if (vl) { stats.voorlopigRows++; }
      for (const f of row.figures) {
        const want = expectedText(c, f.veld);
        if (typeof want === 'object') { note(`${tn} row "${row.cel}": ${want.bad}`); continue; }
        const got = shown(f.text);
        check(got === want, `${tn} row "${row.cel}" data-veld="${f.veld}": shows "${f.text.trim()}", the API says "${want}"`);
        check(!/\*/.test(f.text), `${tn} row "${row.cel}" data-veld="${f.veld}": the text "${f.text.trim()}" holds a "*" (the mark is CSS, not text)`);
        const mark = vl && got !== '.' && got !== '–';
        check(f.vl === mark, `${tn} row "${row.cel}" data-veld="${f.veld}" ("${f.text.trim()}"): class voorlopig ${f.vl ? 'set' : 'missing'}, expected ${mark ? 'set' : 'none'} (cell voorlopig ${vl})`);
        if (f.vl) stats.voorlopigFigures++;
      }
    }
    for (const k of cells.keys()) check(seen.has(k), `${tn}: the answer's cell "${k}" has no row`);
    stats.tables++;
    stats.rows += t.rows.length;
    stats.figures += t.rows.reduce((a, x) => a + x.figures.length, 0);
    out.push({ ...t, answer: r.json });
  }
  return { tables: out, suppressed };
}

// A chart: <figure id> with <svg role="img" aria-label> and a figcaption.
async function checkChart(s, where, id) {
  const f = await s.page.$(`figure#${id}`);
  if (!check(f, `${where}: no figure#${id}`)) return;
  const info = await f.evaluate((fig) => {
    const svgs = [...fig.querySelectorAll('svg')];
    const named = svgs.filter((g) => g.getAttribute('role') === 'img' && (g.getAttribute('aria-label') || '').trim());
    const cap = fig.querySelector('figcaption');
    return { svgs: svgs.length, named: named.length, label: named[0]?.getAttribute('aria-label') || '',
      caption: cap ? cap.textContent.trim() : null, marks: named[0] ? named[0].querySelectorAll('rect, path, circle, line').length : 0,
      tables: fig.querySelectorAll('table.cijfers').length + (fig.parentElement ? fig.parentElement.querySelectorAll('table.cijfers').length : 0) };
  });
  check(info.svgs > 0, `${where}: figure#${id} holds no <svg>`);
  check(info.named > 0, `${where}: figure#${id}: no <svg role="img"> with a non-empty aria-label`);
  check(info.caption, `${where}: figure#${id} has no non-empty <figcaption>`);
  check(info.marks > 0, `${where}: figure#${id}: the chart draws nothing`);
  check(info.tables > 0, `${where}: figure#${id}: no table.cijfers beside it (in the figure or its parent)`);
}

async function menuLinks(s) {
  return s.page.$$eval('nav#menu a[href]', (as) => as.map((a) => a.getAttribute('href')));
}

// ------------------------------------------------------------ CSV and xlsx
function parseCsv(text) {
  const t = text.replace(/^\uFEFF/, '');
  const rows = [];
  let row = [];
  let f = '';
  let quoted = false;
  let wasQuoted = false;
  const cells = [];
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (quoted) {
      if (ch === '"' && t[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') quoted = false; else f += ch;
    } else if (ch === '"') { quoted = true; wasQuoted = true; } else if (ch === ';') {
      row.push({ v: f, q: wasQuoted }); f = ''; wasQuoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && t[i + 1] === '\n') i++;
      row.push({ v: f, q: wasQuoted }); rows.push(row); row = []; f = ''; wasQuoted = false;
    } else f += ch;
  }
  if (f !== '' || row.length) { row.push({ v: f, q: wasQuoted }); rows.push(row); }
  void cells;
  return rows;
}

async function download(s, sel) {
  const [dl] = await Promise.all([
    s.page.waitForEvent('download', { timeout: 60000 }),
    s.page.locator(sel).locator('visible=true').first().click(),
  ]);
  const name = dl.suggestedFilename();
  const path = join(work, `${Date.now()}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  await dl.saveAs(path);
  return { name, path };
}

// ------------------------------------------------------------- entry data
function bsn(seed) {
  // A 9-digit number that passes the elfproef (fictional, from a counter).
  for (let n = seed; ; n++) {
    const d = String(100000000 + (n % 800000000)).padStart(9, '0').split('').map(Number);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += d[i] * (9 - i);
    sum -= d[8];
    if (sum % 11 === 0 && d[0] !== 0) return d.join('');
  }
}
const badBsn = (b) => b.slice(0, 8) + String((Number(b[8]) + 1) % 10);
const seed = (Date.now() % 100000000) + 100000000;

function today() {
  return new Date().toISOString().slice(0, 10);
}

// A date inside a period ("2026", "2026-Q2", "2026-03"), never after today.
function dateIn(period) {
  let d;
  let m;
  if ((m = /^(\d{4})-Q(\d)$/.exec(period))) d = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 2).padStart(2, '0')}-15`;
  else if ((m = /^(\d{4})-(\d{2})$/.exec(period))) d = `${m[1]}-${m[2]}-15`;
  else if ((m = /^(\d{4})$/.exec(period))) d = `${m[1]}-06-15`;
  else throw new Fail(`unknown period ${period}`);
  const start = /^(\d{4})-Q(\d)$/.test(period)
    ? `${period.slice(0, 4)}-${String((Number(period.slice(6)) - 1) * 3 + 1).padStart(2, '0')}-01`
    : /^\d{4}$/.test(period) ? `${period}-01-01` : `${period}-01`;
  if (d > today()) d = today() >= start ? today() : start;
  return d;
}

function gemeenteOf(cell) {
  if (cell.gemeente) return cell.gemeente;
  const cl = REGIO.clusters.find((c) => c.naam === cell.cluster);
  must(cl, `cluster ${cell.cluster} is not in config/gemeenten.json`);
  return cl.gemeenten[0].code;
}

// Fills form fields by name (input, select, radio), as a person would.
async function fillForm(s, formSel, values) {
  for (const [name, value] of Object.entries(values)) {
    const loc = s.page.locator(`${formSel} [name="${name}"]`);
    const n = await loc.count();
    must(n > 0, `${formSel}: no field named "${name}"`);
    const kind = await loc.first().evaluate((e) => `${e.tagName.toLowerCase()}:${(e.getAttribute('type') || '').toLowerCase()}`);
    if (kind.startsWith('select')) await loc.first().selectOption(value);
    else if (kind === 'input:radio' || kind === 'input:checkbox') await s.page.locator(`${formSel} [name="${name}"][value="${value}"]`).check();
    else await loc.first().fill(value);
  }
}

async function submit(s, formSel) {
  const btn = s.page.locator(`${formSel} button[type="submit"], ${formSel} input[type="submit"]`);
  if (await btn.count()) await btn.first().click();
  else await s.page.locator(formSel).evaluate((f) => f.requestSubmit());
}

async function bodyText(s) {
  return s.page.evaluate(() => document.body.innerText);
}

// ================================================================== tests
const browser = await launch();

async function loggedOutPage() {
  await test('inloggen: the login page, strict headers, a wrong token refused', async () => {
    const s = await session(browser, 'inloggen');
    const resp = await s.page.goto(`${BASE}/#/inloggen`);
    const h = resp.headers();
    const csp = h['content-security-policy'] || '';
    check(/script-src 'self'(;|$)/.test(csp), `the page's CSP ${JSON.stringify(csp)} lacks script-src 'self' alone`);
    check(/frame-ancestors 'none'/.test(csp), 'the CSP lacks frame-ancestors \'none\'');
    check(!/unsafe-(inline|eval)/.test(csp), 'the CSP allows unsafe-inline or unsafe-eval');
    check(h['x-content-type-options'] === 'nosniff', 'no X-Content-Type-Options: nosniff');
    check(h['referrer-policy'] === 'no-referrer', 'no Referrer-Policy: no-referrer');
    must(await waitVisible(s, 'form#login-form input#token'), 'no visible form#login-form with input#token');
    check(await s.page.evaluate(() => document.documentElement.lang.startsWith('nl')), '<html lang> is not Dutch');
    await pageDone(s, 'inloggen');
    await s.quiet(async () => {
      await s.page.fill('input#token', 'sorttp_dit-token-bestaat-niet');
      await s.page.locator('form#login-form').evaluate((f) => f.requestSubmit());
      await s.page.waitForTimeout(1500);
    });
    check(!(await s.page.isVisible('nav#menu')), 'a wrong token shows the menu');
    check((await api(s, '/v1/session')).status === 401, 'a wrong token gives a session');
    await s.ctx.close();
  });
}

async function analistPages() {
  const s = await session(browser, 'analist');
  await test('analist: logs in; the menu has its routes only', async () => {
    await login(s, env.BROWSER_TOKEN_ANALIST);
    const links = await menuLinks(s);
    for (const r of ['#/indicatoren', '#/rapporten']) check(links.includes(r), `nav#menu has no link ${r} (has ${links.join(' ')})`);
    for (const r of ['#/mijn-cijfers', '#/aanleveren', '#/invoeren', '#/ontvangstbewijzen']) check(!links.includes(r), `nav#menu offers the analist ${r}`);
    check(await s.page.isVisible('button#uitloggen'), 'no visible button#uitloggen');
    noErrors(s, 'login');
  });

  let suppressedSeen = 0;
  await test('analist #/indicatoren: filters, charts, tables equal the API', async () => {
    need(s);
    await open(s, 'indicatoren', ['figure#trend', 'figure#vergelijking', 'table.cijfers']);
    for (const id of ['f-indicator', 'f-periode', 'f-cluster', 'f-gemeente', 'f-aanbieder', 'f-tijdvak', 'f-uitsplitsing']) {
      check(await s.page.$(`select#${id}`), `no select#${id}`);
      const labelled = await s.page.evaluate((i) => {
        const e = document.getElementById(i);
        return !!e && (e.labels?.length > 0 || !!e.getAttribute('aria-label') || !!e.getAttribute('aria-labelledby'));
      }, id);
      check(labelled, `select#${id} has no label`);
    }
    for (const id of ['dl-csv', 'dl-xlsx']) check(await s.page.$(`a#${id}[href]`), `no a#${id} with an href`);
    await checkChart(s, 'indicatoren', 'trend');
    await checkChart(s, 'indicatoren', 'vergelijking');
    const r = await checkTables(s, 'indicatoren', { min: 2 });
    suppressedSeen += r.suppressed;
    await pageDone(s, 'analist-indicatoren');
    await shotOf(s, 'table.cijfers', 'analist-indicatoren-tabel');
  });

  await test('self-check: the comparison notices a changed figure and a missing row', async () => {
    need(s);
    const outer = current;
    const probe = { name: 'probe', problems: [] };
    await s.page.evaluate(() => {
      const tds = [...document.querySelectorAll('table.cijfers tbody tr [data-veld]')].filter((td) => /\d/.test(td.textContent));
      tds[0].textContent = `${tds[0].textContent.trim()}1`;
      const rows = document.querySelectorAll('table.cijfers tbody tr');
      rows[rows.length - 1].remove();
      // Flip the voorlopig flag of the first row and the mark of its first figure.
      const r0 = rows[0];
      if (r0.getAttribute('data-voorlopig') === 'true') r0.removeAttribute('data-voorlopig');
      else r0.setAttribute('data-voorlopig', 'true');
      r0.querySelector('[data-veld]').classList.toggle('voorlopig');
    });
    current = probe;
    try {
      await checkTables(s, 'probe', { min: 2 });
    } finally {
      current = outer;
    }
    check(probe.problems.some((p) => /data-veld=.*shows/.test(p)), 'a changed figure went unnoticed');
    check(probe.problems.some((p) => /has no row/.test(p)), 'a missing row went unnoticed');
    check(probe.problems.some((p) => /data-voorlopig=.*the API says voorlopig/.test(p)), 'a wrong data-voorlopig went unnoticed');
    check(probe.problems.some((p) => /class voorlopig (set|missing), expected/.test(p)), 'a wrong td.voorlopig went unnoticed');
    // An inline script: the CSP blocks it and the suite hears of it.
    s.takeErrors();
    await s.page.evaluate(() => {
      const e = document.createElement('script');
      e.textContent = 'window.__sorttpInline = 1';
      document.body.append(e);
    });
    await s.page.waitForTimeout(300);
    const errs = s.takeErrors();
    check(errs.some((e) => /^CSP violation: script-src/.test(e)), `an inline script raised no securitypolicyviolation event: ${errs.join(' | ')}`);
    check(errs.some((e) => /^console: .*Content Security Policy/.test(e)), 'an inline script logged no CSP console error');
    check(await s.page.evaluate(() => window.__sorttpInline === undefined), 'an inline script ran: the CSP does not block it');
    await s.page.reload();
    await open(s, 'indicatoren', ['figure#trend', 'figure#vergelijking', 'table.cijfers']);
    noErrors(s, 'self-check');
  });

  await test('analist #/indicatoren: every indicator and period gives tables equal to the API', async () => {
    need(s);
    const inds = await s.page.$$eval('select#f-indicator option', (os) => os.map((o) => o.value));
    for (const want of ['doelrealisatie', 'tevredenheid', 'uitval']) check(inds.includes(want), `select#f-indicator offers no ${want} (offers ${inds.join(', ')})`);
    for (const ind of inds.filter((v) => v)) {
      await s.page.selectOption('select#f-indicator', ind);
      await settle(s);
      const r = await checkTables(s, `indicatoren (${ind})`, { min: 2 });
      suppressedSeen += r.suppressed;
      // Every table is for the chosen indicator, except the coverage
      // table in section#dekking (aanlevering beside the indicator,
      // contract.md "Voorlopig"), which checkTables compared with its own
      // data-query like every table.
      check(r.tables.every((t) => t.query.startsWith(`/v1/indicators/${ind}`)
        || (t.dekking && t.query.startsWith('/v1/indicators/aanlevering?'))),
        `indicatoren (${ind}): a table's data-query is not for ${ind}: ${r.tables.map((t) => t.query).join(' ')}`);
      check(r.tables.some((t) => !t.dekking && t.query.startsWith(`/v1/indicators/${ind}`)),
        `indicatoren (${ind}): no table outside section#dekking is for ${ind}`);
      if (ind !== 'aanlevering') {
        const dek = r.tables.filter((t) => t.dekking && t.visible);
        check(dek.length === 1 && dek[0].query.startsWith('/v1/indicators/aanlevering?'),
          `indicatoren (${ind}): section#dekking shows ${dek.length} tables (${dek.map((t) => t.query).join(' ')}), expected one for aanlevering`);
        check(await s.page.isVisible('section#dekking'), `indicatoren (${ind}): section#dekking is hidden`);
        for (const id of ['dl-dekking-csv', 'dl-dekking-xlsx']) check(await s.page.$(`a#${id}[href]`), `indicatoren (${ind}): no a#${id} with an href`);
      } else {
        check(!(await s.page.isVisible('section#dekking')), 'indicatoren (aanlevering): section#dekking is shown beside aanlevering itself');
      }
      await checkChart(s, `indicatoren (${ind})`, 'trend');
      await checkChart(s, `indicatoren (${ind})`, 'vergelijking');
      await pageDone(s, `analist-indicatoren-${ind}`);
    }
    const periods = await s.page.$$eval('select#f-periode option', (os) => os.map((o) => o.value));
    for (const want of ['month', 'quarter', 'year']) check(periods.includes(want), `select#f-periode offers no ${want} (offers ${periods.join(', ')})`);
    for (const p of ['month', 'quarter', 'year'].filter((x) => periods.includes(x))) {
      await s.page.selectOption('select#f-periode', p);
      await settle(s);
      const r = await checkTables(s, `indicatoren (period ${p})`, { min: 2 });
      suppressedSeen += r.suppressed;
      check(r.tables.some((t) => new URLSearchParams(t.query.split('?')[1] || '').get('period') === p),
        `indicatoren: after choosing period ${p} no table asks period=${p}: ${r.tables.map((t) => t.query).join(' ')}`);
      noErrors(s, `period ${p}`);
    }
  });

  await test('analist #/indicatoren: filters cluster, gemeente, aanbieder and tijdvak change the query', async () => {
    need(s);
    const before = async () => (await s.page.$$eval('table.cijfers', (ts) => ts.map((t) => t.getAttribute('data-query')))).join(' ');
    const tryFilter = async (id, value, param) => {
      const vals = await s.page.$$eval(`select#${id} option`, (os) => os.map((o) => o.value));
      if (!check(vals.includes(value), `select#${id} does not offer ${value} (offers ${vals.slice(0, 12).join(', ')})`)) return;
      const q0 = await before();
      await s.page.selectOption(`select#${id}`, value);
      await settle(s);
      const r = await checkTables(s, `indicatoren (${id}=${value})`, { min: 2 });
      suppressedSeen += r.suppressed;
      const q1 = r.tables.map((t) => t.query).join(' ');
      check(q1 !== q0, `choosing ${value} in select#${id} changed no table's data-query`);
      if (param) {
        check(r.tables.some((t) => (new URLSearchParams(t.query.split('?')[1] || '').get(param) || '').split(',').includes(value)),
          `after choosing ${value} in select#${id} no table asks ${param}=${value}: ${q1}`);
      }
      noErrors(s, `${id}=${value}`);
      // Back to "all" (the first option) for the next filter.
      await s.page.selectOption(`select#${id}`, vals[0]);
      await settle(s);
    };
    await tryFilter('f-cluster', 'Zaanstreek-Waterland', 'cluster');
    await tryFilter('f-gemeente', '0363', 'gemeente');
    await tryFilter('f-aanbieder', env.BROWSER_AGB_1, 'aanbieder');
    // Issue #15: a breakdown by a client attribute, its groups as rows.
    await tryFilter('f-uitsplitsing', 'geslacht', 'uitsplitsing');
    await tryFilter('f-uitsplitsing', 'gebied', 'uitsplitsing');
    const tv = await s.page.$$eval('select#f-tijdvak option', (os) => os.map((o) => o.value));
    check(tv.length >= 2, `select#f-tijdvak offers ${tv.length} periods`);
    if (tv.length >= 2) {
      const cur = await s.page.$eval('select#f-tijdvak', (e) => e.value);
      await tryFilter('f-tijdvak', tv.find((v) => v !== cur), null);
    }
  });

  await test('analist: a suppressed figure shows "." somewhere in the tables', async () => {
    check(suppressedSeen > 0, 'no table row showed a suppressed cell (the demo data has many)');
  });

  await test('analist: CSV and xlsx downloads hold the same figures; codes are text in the xlsx', async () => {
    need(s);
    await s.page.selectOption('select#f-indicator', 'uitval').catch(() => {});
    await settle(s);
    const hrefCsv = await s.page.locator('a#dl-csv').locator('visible=true').first().getAttribute('href');
    const hrefXlsx = await s.page.locator('a#dl-xlsx').locator('visible=true').first().getAttribute('href');
    must(hrefCsv && hrefXlsx, 'a#dl-csv or a#dl-xlsx has no href');
    const headCsv = await api(s, hrefCsv);
    must(headCsv.status === 200, `GET ${hrefCsv} answered ${headCsv.status}: ${headCsv.text.slice(0, 200)}`);
    const csvFile = await download(s, 'a#dl-csv');
    check(/\.csv$/.test(csvFile.name), `the CSV download is named ${csvFile.name}`);
    const csvText = readFileSync(csvFile.path, 'utf8');
    // fetch's text() drops the byte order mark; the file keeps it (Excel needs it).
    check(csvText.startsWith('\uFEFF'), 'the CSV download has no UTF-8 byte order mark (Excel)');
    check(csvText.replace(/^\uFEFF/, '') === headCsv.text.replace(/^\uFEFF/, ''), 'the downloaded CSV differs from the API answer for its link');
    const csv = parseCsv(csvText).filter((r) => !(r.length === 1 && r[0].v === ''));
    const head = csv[0].map((c) => c.v);
    const col = (n) => head.indexOf(n);
    must(col('n') >= 0 && col('period') >= 0, `the CSV header has no n or period column: ${head.join(';')}`);
    // The same query as JSON: every CSV row is one cell, n and n_clients equal.
    const u = new URL(hrefCsv, BASE);
    u.searchParams.delete('format');
    const j = await api(s, u.pathname + u.search, { headers: { Accept: 'application/json' } });
    must(j.status === 200 && j.json, `GET ${u.pathname + u.search} answered ${j.status}`);
    const cells = plain(j.json.cells);
    check(csv.length - 1 === cells.length, `the CSV has ${csv.length - 1} rows, the JSON answer ${cells.length} cells`);
    const get = (row, n) => (col(n) >= 0 ? row[col(n)].v : '');
    const byKey = new Map(cells.map((c) => [celKey(c), c]));
    for (const row of csv.slice(1)) {
      const key = [get(row, 'period'), get(row, 'cluster'), get(row, 'gemeente'), get(row, 'aanbieder'), get(row, 'vergelijking') === 'true' ? 'v' : ''].join('|');
      const c = byKey.get(key);
      if (!check(c, `CSV row ${key} is no cell of the JSON answer`)) continue;
      for (const n of ['n', 'n_clients']) {
        const want = c.suppressed || c[n] === undefined ? '' : String(c[n]);
        check(get(row, n) === want, `CSV row ${key} ${n}: "${get(row, n)}", JSON ${want}`);
      }
      check(get(row, 'voorlopig') === (c.voorlopig === true ? '*' : ''),
        `CSV row ${key} voorlopig: "${get(row, 'voorlopig')}", JSON voorlopig ${JSON.stringify(c.voorlopig)}`);
    }
    // The xlsx: same file name, sheet Cijfers equal to the CSV cell for cell.
    const headX = await s.quiet(() => api(s, hrefXlsx));
    must(headX.status === 200, `GET ${hrefXlsx} answered ${headX.status}: ${headX.text.slice(0, 200)}`);
    check((headX.headers['content-type'] || '').startsWith('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
      `the xlsx link answers Content-Type ${headX.headers['content-type']}`);
    const xFile = await download(s, 'a#dl-xlsx');
    check(xFile.name === csvFile.name.replace(/\.csv$/, '.xlsx'), `the xlsx is named ${xFile.name}, the CSV ${csvFile.name}`);
    const x = readXlsx(xFile.path);
    check(x.sheets.includes('Cijfers') && x.sheets.includes('Toelichting'), `the xlsx sheets are ${x.sheets.join(', ')}`);
    const grid = x.sheet('Cijfers') || [];
    const toel = (x.sheet('Toelichting') || []).flat().filter(Boolean).map((c) => String(c.value)).join(' ');
    check(/afgeschermd/.test(toel) && toel.includes('.'), 'sheet Toelichting does not explain "." (afgeschermd)');
    check(grid.length === csv.length, `sheet Cijfers has ${grid.length} rows, the CSV ${csv.length}`);
    const supCol = col('suppressed');
    check(head[head.length - 1] === 'voorlopig', `the CSV's last column is ${head[head.length - 1]}, not voorlopig`);
    check(/\*/.test(toel) && /voorlopig: kan nog veranderen/.test(toel), 'sheet Toelichting does not explain "*" (voorlopig: kan nog veranderen)');
    let codes = 0;
    let voorlopigRows = 0;
    for (let r = 0; r < Math.min(grid.length, csv.length); r++) {
      const suppressed = r > 0 && supCol >= 0 && csv[r][supCol].v === 'true';
      for (let c = 0; c < csv[r].length; c++) {
        const want = csv[r][c];
        const got = (grid[r] || [])[c] || { type: 'empty', value: null, ref: `r${r + 1}c${c + 1}` };
        const where = `xlsx Cijfers ${got.ref || ''} (${head[c]}, row ${r + 1})`;
        if (r > 0 && head[c] === 'voorlopig') {
          // The last column (contract.md "Voorlopig"): the CSV holds a
          // bare "*" or nothing; the xlsx text "*" or no cell at all.
          check(want.v === '*' || want.v === '', `CSV row ${r + 1} voorlopig: "${want.v}" (want "*" or empty)`);
          if (want.v === '*') check(got.type === 'text' && got.value === '*', `${where}: ${got.type} ${JSON.stringify(got.value)}, the CSV "*" (want text "*")`);
          else check(got.type === 'empty', `${where}: ${got.type} ${JSON.stringify(got.value)}, the CSV is empty (want no cell)`);
          if (want.v === '*') voorlopigRows++;
          continue;
        }
        if (r === 0 || want.q) {
          // Header and quoted CSV fields (codes, periods, names): text, unchanged.
          if (want.v === '' && !want.q) continue;
          check(got.type === 'text' && got.value === want.v, `${where}: ${got.type} ${JSON.stringify(got.value)}, the CSV "${want.v}" (codes must be text)`);
          if (r > 0 && /^(gemeente|aanbieder|period)$/.test(head[c]) && want.v) codes++;
        } else if (want.v === '') {
          // The figures are the columns after "suppressed"; n_aanbieders
          // exists for vergelijking rows only.
          const isVgl = col('vergelijking') >= 0 && csv[r][col('vergelijking')].v === 'true';
          if (suppressed && c > supCol && !(head[c] === 'n_aanbieders' && !isVgl)) {
            check(got.type === 'text' && got.value === '.', `${where}: suppressed, shows ${got.type} ${JSON.stringify(got.value)} (want text ".")`);
          } else if (suppressed && c > supCol) {
            check(got.type === 'empty' || (got.type === 'text' && ['', '.', '–'].includes(got.value)), `${where}: ${got.type} ${JSON.stringify(got.value)}, the CSV is empty`);
          } else {
            check(got.type === 'empty' || (got.type === 'text' && ['', '–'].includes(got.value)), `${where}: ${got.type} ${JSON.stringify(got.value)}, the CSV is empty`);
          }
        } else if (want.v === 'true' || want.v === 'false') {
          check((got.type === 'bool' && got.value === (want.v === 'true')) || (got.type === 'text' && ['true', 'false', 'ja', 'nee'].includes(got.value)),
            `${where}: ${got.type} ${JSON.stringify(got.value)}, the CSV ${want.v}`);
        } else {
          const num = Number(want.v.replace(',', '.'));
          check(got.type === 'number' && Math.abs(got.value - num) < 1e-9, `${where}: ${got.type} ${JSON.stringify(got.value)}, the CSV ${want.v} (a number)`);
        }
      }
    }
    check(codes > 0, 'the xlsx had no code cells to check');
    // The voorlopig column agrees with the JSON cells (CSV row i is not
    // necessarily JSON cell i, so compare the counts; the key check above
    // matched each row to its cell).
    check(voorlopigRows === cells.filter((c) => c.voorlopig === true).length,
      `the CSV/xlsx mark ${voorlopigRows} rows voorlopig, the JSON answer ${cells.filter((c) => c.voorlopig === true).length}`);
    noErrors(s, 'downloads');
  });

  await test('analist #/rapporten: table#rapporten lists the reports with download links', async () => {
    need(s);
    await open(s, 'rapporten', ['table#rapporten']);
    await checkReports(s, 'analist');
    await pageDone(s, 'analist-rapporten');
  });
  return s;
}

async function checkReports(s, who) {
  const list = plain((await api(s, '/v1/reports')).json || { reports: [] }).reports;
  const links = await s.page.$$eval('table#rapporten a[href]', (as) => as.map((a) => a.getAttribute('href')));
  check(links.length === list.length, `${who}: table#rapporten has ${links.length} links, GET /v1/reports lists ${list.length}`);
  check(list.length > 0, `${who}: the daemon made no reports to list (demo data, report_day)`);
  if (links.length) {
    const r = await api(s, links[0]);
    check(r.status === 200 && (r.headers['content-type'] || '').startsWith('application/pdf'),
      `${who}: the first report link ${links[0]} answers ${r.status} ${r.headers['content-type']}`);
  }
}

async function analistGemeente() {
  await test('analist of one gemeente: selectors offer only the scope; tables equal the API', async () => {
    const s = await session(browser, 'analist-gemeente');
    await login(s, env.BROWSER_TOKEN_ANALIST_GEMEENTE);
    await open(s, 'indicatoren', ['figure#trend', 'figure#vergelijking', 'table.cijfers']);
    const g = await s.page.$$eval('select#f-gemeente option', (os) => os.map((o) => o.value).filter((v) => v));
    check(g.length > 0 && g.every((v) => v === env.BROWSER_GEMEENTE), `select#f-gemeente offers ${g.join(', ')}; the scope is ${env.BROWSER_GEMEENTE} only`);
    const whole = REGIO.clusters.filter((c) => c.gemeenten.every((x) => x.code === env.BROWSER_GEMEENTE)).map((c) => c.naam);
    const cl = await s.page.$$eval('select#f-cluster option', (os) => os.map((o) => o.value).filter((v) => v));
    check(cl.every((v) => whole.includes(v)), `select#f-cluster offers ${cl.join(', ')}, outside the scope (gemeente ${env.BROWSER_GEMEENTE})`);
    await checkChart(s, 'indicatoren (gemeente)', 'trend');
    await checkChart(s, 'indicatoren (gemeente)', 'vergelijking');
    await checkTables(s, 'indicatoren (gemeente)', { min: 2 });
    await pageDone(s, 'analist-gemeente-indicatoren');
    await s.ctx.close();
  });
}

async function aanbiederPages() {
  const s = await session(browser, 'aanbieder');
  const agb = env.BROWSER_AGB_1;
  await test('aanbieder: logs in; the menu has its routes only', async () => {
    await login(s, env.BROWSER_TOKEN_AANBIEDER_1);
    const links = await menuLinks(s);
    for (const r of ['#/mijn-cijfers', '#/aanleveren', '#/invoeren', '#/ontvangstbewijzen', '#/rapporten']) {
      check(links.includes(r), `nav#menu has no link ${r} (has ${links.join(' ')})`);
    }
    check(!links.includes('#/indicatoren'), 'nav#menu offers the aanbieder #/indicatoren');
    noErrors(s, 'login');
  });

  let own = null;
  await test('aanbieder #/mijn-cijfers: own figures beside the vergelijking, equal to the API', async () => {
    need(s);
    await open(s, 'mijn-cijfers', ['figure#eigen', 'table.cijfers']);
    await checkChart(s, 'mijn-cijfers', 'eigen');
    const r = await checkTables(s, 'mijn-cijfers', { min: 1 });
    for (const t of r.tables) {
      const cells = plain(t.answer.cells);
      check(cells.every((c) => c.vergelijking || c.aanbieder === agb), `mijn-cijfers ${t.query}: a cell of another aanbieder`);
      check(cells.some((c) => c.vergelijking), `mijn-cijfers ${t.query}: no vergelijking cells beside the own figures`);
    }
    const dek = r.tables.filter((t) => t.dekking && t.visible);
    check(dek.length === 1 && dek[0].query.startsWith('/v1/indicators/aanlevering?by=aanbieder&'),
      `mijn-cijfers: section#dekking shows ${dek.length} tables (${dek.map((t) => t.query).join(' ')}), expected one for aanlevering?by=aanbieder`);
    check(r.tables.some((t) => !t.dekking && t.query.startsWith('/v1/indicators/doelrealisatie?')),
      'mijn-cijfers: no doelrealisatie table outside section#dekking');
    own = r.tables;
    await pageDone(s, 'aanbieder-mijn-cijfers');
    await shotOf(s, 'table.cijfers', 'aanbieder-mijn-cijfers-tabel');
  });

  await test('aanbieder: #/indicatoren shows #geen-toegang; another aanbieder\'s figures are refused', async () => {
    need(s);
    await open(s, 'indicatoren', ['#geen-toegang']);
    check(await s.page.isVisible('#geen-toegang'), '#geen-toegang is not visible');
    const rows = await s.page.$$eval('table.cijfers tbody tr', (r) => r.length);
    check(rows === 0, `the aanbieder sees ${rows} rows of figures on #/indicatoren`);
    await pageDone(s, 'aanbieder-indicatoren-geen-toegang');
    const r = await s.quiet(() => api(s, `/v1/indicators/doelrealisatie?aanbieder=${env.BROWSER_AGB_2}`));
    check(r.status === 403, `aanbieder ${agb} asking for ${env.BROWSER_AGB_2}'s figures: ${r.status}`);
    const r2 = await s.quiet(() => api(s, `/v1/indicators/uitval?by=aanbieder&aanbieder=${agb},${env.BROWSER_AGB_2}`));
    check(r2.status === 403, `aanbieder asking for both AGB codes: ${r2.status}`);
  });

  const uploaded = [];
  await test('aanbieder #/aanleveren: a file with errors shows the error table and stores nothing', async () => {
    need(s);
    await open(s, 'aanleveren', ['input#bestand[type="file"]', '#dropzone', 'button#verstuur']);
    await pageDone(s, 'aanbieder-aanleveren');
    const n0 = await uploadsCount(s);
    const b = [bsn(seed), bsn(seed + 1000), bsn(seed + 2000), bsn(seed + 3000)];
    const tw = ['4455661', '4455662', '4455663', '4455664'];
    const d = today();
    const file = 'bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment;gas_1\r\n' +
      `${b[0]};${tw[0]};0363;${agb};${d};begin;\r\n` +
      `${badBsn(b[1])};${tw[1]};0363;${agb};${d};begin;\r\n` +
      `${b[2]};${tw[2]};0363;${agb};${d};halverwege;\r\n` +
      `${b[3]};${tw[3]};0363;${agb};${d};eind;7\r\n`;
    // The API's own answer to the same bytes (nothing is stored on a 422).
    const csrf = await csrfToken(s);
    const ref = await s.quiet(() => api(s, '/v1/scores', { method: 'POST', headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': csrf }, body: file }));
    must(ref.status === 422, `the API answered ${ref.status} to the error file`);
    const errs = plain(ref.json).errors;
    await s.page.setInputFiles('input#bestand', { name: 'scores.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await s.quiet(async () => {
      await s.page.click('button#verstuur');
      must(await waitVisible(s, '#upload-resultaat table#upload-fouten'), 'no #upload-resultaat table#upload-fouten after sending a file with errors');
      await settle(s);
    });
    s.takeErrors(); // the 422 itself is logged by chromium as a failed resource
    const heads = (await s.page.$$eval('table#upload-fouten thead th, table#upload-fouten tr:first-child th', (t) => t.map((x) => x.textContent.trim().toLowerCase())));
    for (const h of ['regel', 'kolom', 'code', 'melding']) check(heads.some((x) => x.startsWith(h)), `table#upload-fouten has no column "${h}" (has ${heads.join(', ')})`);
    const rows = await s.page.$$eval('table#upload-fouten tbody tr', (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent.trim())));
    check(rows.length === errs.length, `table#upload-fouten has ${rows.length} rows, the API ${errs.length} errors`);
    const letter = (n) => { let s2 = ''; for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s2 = String.fromCharCode(65 + ((k - 1) % 26)) + s2; return s2; };
    for (const [i, e] of errs.entries()) {
      const row = rows[i] || [];
      const want = [String(e.line), e.column ? letter(e.column) : '', e.code, e.message];
      check(row[0] === want[0] && row[1] === want[1] && row[2] === want[2] && row[3] === want[3],
        `table#upload-fouten row ${i + 1}: ${JSON.stringify(row)}, want ${JSON.stringify(want)}`);
    }
    for (const [line, col, code] of [['3', 'A', 'bsn_elfproef'], ['4', 'F', 'meetmoment_ongeldig'], ['5', 'G', 'gas_ongeldig']]) {
      check(rows.some((r) => r[0] === line && r[1] === col && r[2] === code), `table#upload-fouten has no row ${line} ${col} ${code}`);
    }
    const text = await bodyText(s);
    for (const v of [...b, badBsn(b[1]), ...tw, 'halverwege']) check(!text.includes(v), `the page shows a value from the file (${v.slice(0, 3)}…)`);
    check(!(await s.page.isVisible('#upload-resultaat #bon')), 'a receipt (#bon) beside the errors');
    check((await uploadsCount(s)) === n0, 'GET /v1/uploads changed after a refused file');
    await s.page.screenshot({ path: join(SCREENS, 'aanbieder-aanleveren-fouten.png') });
  });

  await test('aanbieder #/aanleveren: a good file dropped on #dropzone gives a receipt', async () => {
    need(s);
    const n0 = await uploadsCount(s);
    const file = `bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment\r\n${bsn(seed + 4000)};5566771;0363;${agb};${today()};begin\r\n`;
    await s.page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'scores.csv', { type: 'text/csv' }));
      const z = document.querySelector('#dropzone');
      for (const t of ['dragenter', 'dragover', 'drop']) z.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, file);
    if (!(await waitVisible(s, '#upload-resultaat #bon', 5000))) {
      await s.page.click('button#verstuur');
      must(await waitVisible(s, '#upload-resultaat #bon'), 'no #upload-resultaat #bon after dropping a good file and sending it');
    }
    await settle(s);
    const bon = await s.page.textContent('#bon');
    const id = /u_[0-9a-f]+/.exec(bon || '');
    check(id, `#bon shows no upload_id: ${JSON.stringify((bon || '').slice(0, 200))}`);
    if (id) uploaded.push(id[0]);
    check((await uploadsCount(s)) === n0 + 1, 'GET /v1/uploads did not grow by one');
    await pageDone(s, 'aanbieder-aanleveren-bon');
  });

  await test('aanbieder #/invoeren: errors per field, then one measurement gives a receipt and shows in the figures', async () => {
    need(s);
    must(own && own.length, 'no figures from #/mijn-cijfers to watch');
    // A cell of its own that is shown (not suppressed): the entry goes there.
    let target = null;
    for (const t of own) {
      // Only the indicator's own tables: section#dekking shows aanlevering.
      if (t.dekking || !t.query.startsWith('/v1/indicators/doelrealisatie?')) continue;
      for (const c of t.answer.cells) {
        const p = plain(c);
        if (!p.vergelijking && !p.suppressed && p.aanbieder === agb && typeof p.n === 'number' && dateIn(p.period) <= today()) {
          if (!target || p.period > target.cell.period) target = { query: t.query, cell: p };
        }
      }
    }
    must(target, 'no shown (unsuppressed) own cell on #/mijn-cijfers to enter a measurement into');
    // The API's answer just before the entry (the baseline to compare).
    const key = celKey(target.cell);
    const cellOf = async () => {
      const a = await api(s, target.query, { headers: { Accept: 'application/json' } });
      must(a.status === 200 && a.json, `GET ${target.query} answered ${a.status}`);
      return plain(a.json.cells).find((c) => celKey(c) === key) || null;
    };
    const before = await cellOf();
    must(before && !before.suppressed && typeof before.n === 'number', `the API's cell "${key}" is no longer shown before the entry`);
    // And the aanbieder's year-level cell of that cluster (large, so it
    // stays published): its n must rise by exactly one.
    const ym = dateIn(target.cell.period).slice(0, 7);
    const yearQuery = `/v1/indicators/doelrealisatie?by=aanbieder&period=year&from=${ym}&to=${ym}`;
    const yearOf = async () => {
      const a = await api(s, yearQuery, { headers: { Accept: 'application/json' } });
      must(a.status === 200 && a.json, `GET ${yearQuery} answered ${a.status}`);
      return plain(a.json.cells).find((c) => !c.vergelijking && c.aanbieder === agb
        && (c.cluster || '') === (target.cell.cluster || '') && (c.gemeente || '') === (target.cell.gemeente || '')) || null;
    };
    const yearBefore = await yearOf();
    must(yearBefore && !yearBefore.suppressed && typeof yearBefore.n === 'number',
      `no published year-level own cell in ${yearQuery} (${JSON.stringify(yearBefore)})`);
    must(yearBefore.n >= before.n, `the year cell n ${yearBefore.n} is smaller than its part's n ${before.n}`);
    await open(s, 'invoeren', ['form#invoer-form']);
    await pageDone(s, 'aanbieder-invoeren');
    const n0 = await uploadsCount(s);
    const entry = {
      bsn: bsn(seed + 5000), toewijzingnummer: String(600000000 + (seed % 99999999)).slice(0, 9),
      gemeente: gemeenteOf(target.cell), meetdatum: dateIn(target.cell.period), meetmoment: 'eind',
      gas_1: '1', gewicht_1: '2',
    };
    // First with a wrong BSN: the error list, nothing stored.
    await fillForm(s, 'form#invoer-form', { ...entry, bsn: badBsn(entry.bsn) });
    await s.quiet(async () => {
      await submit(s, 'form#invoer-form');
      must(await waitVisible(s, '#invoer-resultaat table#invoer-fouten'), 'no #invoer-resultaat table#invoer-fouten after a wrong BSN');
      await settle(s);
    });
    s.takeErrors();
    const ferr = await s.page.textContent('table#invoer-fouten');
    check(/bsn_elfproef/.test(ferr) || /elfproef/i.test(ferr), `table#invoer-fouten does not name the elfproef: ${ferr.slice(0, 200)}`);
    check(!ferr.includes(badBsn(entry.bsn)), 'table#invoer-fouten shows the BSN');
    check((await uploadsCount(s)) === n0, 'a refused entry was stored');
    await s.page.screenshot({ path: join(SCREENS, 'aanbieder-invoeren-fouten.png') });
    // Then right.
    await fillForm(s, 'form#invoer-form', entry);
    await submit(s, 'form#invoer-form');
    must(await waitVisible(s, '#invoer-resultaat #bon'), 'no #invoer-resultaat #bon after a good entry');
    await settle(s);
    const bon = (await s.page.textContent('#invoer-resultaat #bon')) || '';
    const id = /u_[0-9a-f]+/.exec(bon);
    check(id, `#bon shows no upload_id: ${JSON.stringify(bon.slice(0, 200))}`);
    if (id) uploaded.push(id[0]);
    check(!(await bodyText(s)).includes(entry.bsn), 'the page shows the BSN after the entry');
    check((await uploadsCount(s)) === n0 + 1, 'GET /v1/uploads did not grow by one');
    await pageDone(s, 'aanbieder-invoeren-bon');
    // The figure: the entry must reach that cell once the daemon has
    // refreshed its indicator snapshot (limits.indicator_refresh_s is 1 s
    // in this run). The new data may change the disclosure pattern, so
    // the cell may become suppressed: wait until the API's cell differs
    // from the baseline (it never does if the entry did not reach the
    // figures: fail); where it stays published n must have risen by
    // exactly one; and the page must show what the API shows.
    const want = before.n + 1;
    const end = Date.now() + 120000;
    let after = before;
    let yearAfter = yearBefore;
    for (;;) {
      after = await cellOf();
      yearAfter = await yearOf();
      if ((!after || JSON.stringify(after) !== JSON.stringify(before))
        && (!yearAfter || yearAfter.suppressed || yearAfter.n !== yearBefore.n)) break;
      if (Date.now() > end) break;
      await s.page.waitForTimeout(2000);
    }
    if (check(yearAfter && !yearAfter.suppressed, `the year-level own cell of ${yearQuery} is gone or suppressed after the entry: ${JSON.stringify(yearAfter)}`)) {
      check(yearAfter.n === yearBefore.n + 1,
        `the year-level own cell of ${yearQuery} has n ${yearAfter.n} after the entry, expected ${yearBefore.n + 1}: the entry did not reach the figures`);
    }
    if (check(after, `the API's answer ${target.query} lost the cell "${key}" after the entry`)) {
      check(JSON.stringify(after) !== JSON.stringify(before),
        `the API's cell "${key}" did not change within 120 s after the entry (n stays ${before.n}): the entry did not reach the figures`);
      if (after.suppressed) {
        console.log(`     (invoeren: cell "${key}" became suppressed after the entry, n was ${before.n}; the page must show ".")`);
      } else {
        check(after.n === want, `the API's cell "${key}" has n ${after.n} after the entry, expected ${want} (was ${before.n})`);
      }
    }
    const wantText = !after || after.suppressed ? '.' : String(after.n);
    let shownN = null;
    const end2 = Date.now() + 60000;
    for (;;) {
      await s.page.reload();
      await open(s, 'mijn-cijfers', ['table.cijfers']);
      shownN = await s.page.evaluate((k) => {
        for (const t of document.querySelectorAll('table.cijfers')) {
          if (t.closest('section#dekking')) continue;
          for (const r of t.querySelectorAll('tbody tr')) {
            if (r.getAttribute('data-cel') === k) {
              const td = r.querySelector('[data-veld="n"]');
              if (td) return td.textContent.trim();
            }
          }
        }
        return null;
      }, key);
      if (shownN === wantText || Date.now() > end2) break;
      await s.page.waitForTimeout(2000);
    }
    check(shownN === wantText, `#/mijn-cijfers row "${key}" td[data-veld="n"] shows ${shownN}, the API ${wantText} after the entry (was ${before.n})`);
    await checkTables(s, 'mijn-cijfers (after the entry)', { min: 1 });
    noErrors(s, 'mijn-cijfers after entry');
  });

  await test('aanbieder #/ontvangstbewijzen: table#bonnen lists the receipts', async () => {
    need(s);
    await open(s, 'ontvangstbewijzen', ['table#bonnen']);
    const n = await uploadsCount(s);
    const text = await s.page.textContent('table#bonnen');
    const rows = await s.page.$$eval('table#bonnen tbody tr', (r) => r.length);
    check(rows === n, `table#bonnen has ${rows} rows, GET /v1/uploads ${n}`);
    for (const id of uploaded) check(text.includes(id), `table#bonnen does not list ${id}`);
    await pageDone(s, 'aanbieder-ontvangstbewijzen');
  });

  await test('aanbieder #/rapporten: table#rapporten with download links', async () => {
    need(s);
    await open(s, 'rapporten', ['table#rapporten']);
    await checkReports(s, 'aanbieder');
    await pageDone(s, 'aanbieder-rapporten');
  });

  await test('a POST without X-CSRF-Token is refused', async () => {
    need(s);
    const csrf = await csrfToken(s);
    must(csrf, 'GET /v1/session gives no csrf token');
    const n0 = await uploadsCount(s);
    const row = { bsn: bsn(seed + 6000), toewijzingnummer: '7788991', gemeente: '0363', meetdatum: today(), meetmoment: 'begin' };
    const r1 = await s.quiet(() => api(s, '/v1/scores/handmatig', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(row) }));
    check(r1.status === 403 && /csrf/.test(r1.text), `POST /v1/scores/handmatig without the token: ${r1.status} ${r1.text.slice(0, 120)}`);
    const r2 = await s.quiet(() => api(s, '/v1/scores/handmatig', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': '0'.repeat(64) }, body: JSON.stringify(row) }));
    check(r2.status === 403, `POST /v1/scores/handmatig with a wrong token: ${r2.status}`);
    const r3 = await s.quiet(() => api(s, '/v1/scores', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: `bsn;toewijzingnummer;gemeente;agb;meetdatum;meetmoment\n${row.bsn};7788991;0363;${agb};${today()};begin\n` }));
    check(r3.status === 403, `POST /v1/scores without the token: ${r3.status}`);
    const r4 = await s.quiet(() => api(s, '/v1/logout', { method: 'POST' }));
    check(r4.status === 403, `POST /v1/logout without the token: ${r4.status}`);
    check((await api(s, '/v1/session')).status === 200, 'the session ended after a refused logout');
    check((await uploadsCount(s)) === n0, 'a POST without the CSRF token stored something');
  });

  await test('logout: button#uitloggen ends the session; the old cookie is refused', async () => {
    need(s);
    const cookies = await s.ctx.cookies();
    check(cookies.some((c) => c.name.startsWith('__Host-') && c.httpOnly && c.secure && c.sameSite === 'Strict'),
      `the session cookie is not __Host-, HttpOnly, Secure, SameSite=Strict: ${JSON.stringify(cookies.map((c) => [c.name, c.httpOnly, c.secure, c.sameSite]))}`);
    await s.page.click('button#uitloggen');
    must(await waitVisible(s, 'form#login-form'), 'no login form after button#uitloggen');
    await settle(s);
    check((await api(s, '/v1/session')).status === 401, 'GET /v1/session after logout is not 401');
    await open(s, 'mijn-cijfers');
    check(await waitVisible(s, 'form#login-form', 10000), '#/mijn-cijfers after logout shows no login form');
    check(!(await s.page.$('table.cijfers tbody tr')), '#/mijn-cijfers after logout shows figures');
    const other = await browser.newContext({ ignoreHTTPSErrors: true });
    await other.addCookies(cookies);
    const r = await other.request.get(`${BASE}/v1/uploads`);
    check(r.status() === 401, `the old session cookie after logout: GET /v1/uploads ${r.status()}`);
    await other.close();
    noErrors(s, 'logout');
  });
  await s.ctx.close();
}

async function aanbieder2() {
  await test('a second aanbieder sees only its own figures', async () => {
    const s = await session(browser, 'aanbieder-2');
    await login(s, env.BROWSER_TOKEN_AANBIEDER_2);
    await open(s, 'mijn-cijfers', ['figure#eigen', 'table.cijfers']);
    const r = await checkTables(s, 'mijn-cijfers (2)', { min: 1 });
    for (const t of r.tables) {
      const cells = plain(t.answer.cells);
      check(cells.every((c) => c.vergelijking || c.aanbieder === env.BROWSER_AGB_2), `mijn-cijfers (2) ${t.query}: a cell of another aanbieder`);
    }
    const text = await bodyText(s);
    check(!text.includes(env.BROWSER_AGB_1), `aanbieder 2's page names aanbieder 1 (${env.BROWSER_AGB_1})`);
    const q = await s.quiet(() => api(s, `/v1/uploads`));
    check(q.status === 200 && plain(q.json).uploads.length === 0, 'aanbieder 2 sees receipts it did not make');
    await pageDone(s, 'aanbieder2-mijn-cijfers');
    await s.ctx.close();
  });
}

async function revoked() {
  await test('a revoked party loses access at once, while logged in', async () => {
    const s = await session(browser, 'intrekken');
    await login(s, env.BROWSER_TOKEN_INTREKKEN);
    await open(s, 'ontvangstbewijzen', ['table#bonnen']);
    check((await api(s, '/v1/uploads')).status === 200, 'before revoking: GET /v1/uploads is not 200');
    execFileSync(env.BROWSER_SORTTP, ['party', 'revoke', env.BROWSER_PARTY_INTREKKEN, '--data', env.BROWSER_DATA], { stdio: 'pipe' });
    const r = await s.quiet(() => api(s, '/v1/uploads'));
    check(r.status === 401, `after revoking: GET /v1/uploads ${r.status}`);
    await s.quiet(async () => {
      await s.page.reload();
      check(await waitVisible(s, 'form#login-form', 20000), 'after revoking, a reload shows no login form');
    });
    check(!(await s.page.$('table#bonnen tbody tr')), 'after revoking the receipts are still shown');
    await s.ctx.close();
  });
}

async function expiry() {
  await test('an idle session ends (limits.session_idle_s 3)', async () => {
    const s = await session(browser, 'verlopen-idle');
    await login(s, env.BROWSER_TOKEN_ANALIST);
    check((await api(s, '/v1/session')).status === 200, 'no session right after login');
    await s.page.waitForTimeout(4500);
    check((await s.quiet(() => api(s, '/v1/session'))).status === 401, 'the session lives on after 4.5 s idle');
    await s.quiet(async () => {
      await s.page.reload();
      check(await waitVisible(s, 'form#login-form', 20000), 'an expired session shows no login form on reload');
    });
    check(!(await s.page.isVisible('nav#menu')), 'an expired session still shows the menu');
    await s.page.screenshot({ path: join(SCREENS, 'verlopen.png') });
    await s.ctx.close();
  });
  await test('a used session ends at its absolute lifetime (limits.session_max_age_s 20)', async () => {
    const s = await session(browser, 'verlopen-max');
    // The session is made during login(), between t0 and t1: at t1 + 5 s
    // it is younger than (t1 - t0) + 5 s, at t1 + 20.5 s older than 20 s.
    const t0 = Date.now();
    await login(s, env.BROWSER_TOKEN_ANALIST);
    const t1 = Date.now();
    must(t1 - t0 < 14000, `login took ${t1 - t0} ms; this test needs under 14 s`);
    // Busy every second for 5 s: the idle limit (3 s) never strikes.
    let alive = 0;
    let tries = 0;
    while (Date.now() - t1 < 5000) {
      tries++;
      if ((await api(s, '/v1/session')).status === 200) alive++;
      await s.page.waitForTimeout(1000);
    }
    check(tries >= 3 && alive === tries, `kept busy, the session answered ${alive} of ${tries} checks in 5 s after login (idle limit 3 s, max age 20 s)`);
    while (Date.now() - t1 < 20500) {
      await s.quiet(() => api(s, '/v1/session'));
      await s.page.waitForTimeout(1000);
    }
    check((await s.quiet(() => api(s, '/v1/session'))).status === 401, `the session lives on ${Date.now() - t1} ms after login (max age 20 s)`);
    await s.ctx.close();
  });
}

try {
  if (phase === 'main') {
    await loggedOutPage();
    const a = await analistPages();
    await a.ctx.close();
    await analistGemeente();
    await aanbiederPages();
    await aanbieder2();
    await revoked();
  } else if (phase === 'verlopen') {
    await expiry();
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(`browser suite (${phase}): compared ${stats.tables} tables, ${stats.rows} rows (${stats.suppressed} suppressed, ${stats.voorlopigRows} voorlopig), ${stats.figures} figures (${stats.voorlopigFigures} marked voorlopig) with the API; screenshots in ${SCREENS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
