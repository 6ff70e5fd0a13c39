// sorttp web app: one page, hash routes (#/...), all Dutch. An ES module;
// no inline script anywhere (the CSP forbids it). The other modules are
// under /js/ (web/js/), named without ".js": the daemon serves
// /js/{name} with a name of letters, digits, '-' and '_' only.
import { opVerlopen, vraag, zetCsrf } from './js/api';
import { toonIndicatoren } from './js/indicatoren';
import { toonMijnCijfers } from './js/mijncijfers';
import { toonAanleveren } from './js/aanleveren';
import { toonInvoeren } from './js/invoeren';
import { toonOntvangstbewijzen, toonRapporten } from './js/lijsten';

const ROLNAAM = {
  aanbieder: 'aanbieder', analist: 'analist', bergop: 'BergOp',
  berichtenverkeer: 'berichtenverkeer', monitor: 'beheer',
};

// route: [title, template, roles, start]
const ROUTES = {
  '#/inloggen': { titel: 'Inloggen', sjabloon: 't-inloggen', rollen: null },
  '#/indicatoren': { titel: 'Indicatoren', sjabloon: 't-indicatoren',
    rollen: ['analist'], toon: toonIndicatoren },
  '#/mijn-cijfers': { titel: 'Mijn cijfers', sjabloon: 't-mijn-cijfers',
    rollen: ['aanbieder'], toon: toonMijnCijfers },
  '#/aanleveren': { titel: 'Aanleveren', sjabloon: 't-aanleveren',
    rollen: ['aanbieder'], toon: toonAanleveren },
  '#/invoeren': { titel: 'Handmatig invoeren', sjabloon: 't-invoeren',
    rollen: ['aanbieder'], toon: toonInvoeren },
  '#/ontvangstbewijzen': { titel: 'Ontvangstbewijzen',
    sjabloon: 't-ontvangstbewijzen', rollen: ['aanbieder'],
    toon: toonOntvangstbewijzen },
  '#/rapporten': { titel: 'Rapporten', sjabloon: 't-rapporten',
    rollen: ['analist', 'aanbieder'], toon: toonRapporten },
};

const MENU = {
  analist: ['#/indicatoren', '#/rapporten'],
  aanbieder: ['#/mijn-cijfers', '#/aanleveren', '#/invoeren',
    '#/ontvangstbewijzen', '#/rapporten'],
};

let wie = null;		// {name, role, agb?, scopes?} of the session
let melding = '';	// shown once on the login page

function $(id) { return document.getElementById(id); }

function startRoute() {
  return wie && MENU[wie.role] ? MENU[wie.role][0] : '#/welkom';
}

function zetMenu(route) {
  const lijst = $('menu-lijst');
  lijst.replaceChildren();
  for (const r of (wie && MENU[wie.role]) || []) {
    const a = document.createElement('a');
    a.href = r;
    a.textContent = ROUTES[r].titel;
    if (r === route) a.setAttribute('aria-current', 'page');
    const li = document.createElement('li');
    li.append(a);
    lijst.append(li);
  }
  $('menu').hidden = !wie;
  $('wie').hidden = !wie;
  if (wie) {
    $('wie-tekst').textContent = `${wie.name} (${ROLNAAM[wie.role]
      || wie.role}${wie.agb ? `, AGB ${wie.agb}` : ''})`;
  }
}

function sjabloon(id) {
  const main = $('inhoud');
  main.replaceChildren($(id).content.cloneNode(true));
  for (const r of main.querySelectorAll('.rol')) {
    r.textContent = wie ? ROLNAAM[wie.role] || wie.role : '';
  }
}

function focusKop() {
  const h = $('inhoud').querySelector('h1');
  if (h) h.focus({ preventScroll: false });
}

let eersteKeer = true;

async function toonRoute() {
  let route = location.hash || '';
  if (!wie) {
    if (route !== '#/inloggen') {
      // Back to here after logging in.
      if (ROUTES[route]) sessionStorage.setItem('na-inloggen', route);
      location.replace('#/inloggen');
      return;
    }
  } else if (route === '' || route === '#/' || route === '#/inloggen') {
    location.replace(startRoute());
    return;
  }
  const r = ROUTES[route];
  if (!r && route !== '#/welkom') {
    location.replace(wie ? startRoute() : '#/inloggen');
    return;
  }
  zetMenu(route);
  if (route === '#/welkom') {
    document.title = 'Welkom – sorttp';
    sjabloon('t-welkom');
  } else if (r.rollen && !r.rollen.includes(wie.role)) {
    document.title = 'Geen toegang – sorttp';
    sjabloon('t-geen-toegang');
  } else {
    document.title = `${r.titel} – sorttp`;
    sjabloon(r.sjabloon);
    if (route === '#/inloggen') toonInloggen();
    else if (r.toon) {
      // Not awaited: the page fills itself; focus moves at once.
      Promise.resolve().then(() => r.toon(wie)).catch((e) => console.warn(e));
    }
  }
  // Focus the page's heading, so a screen reader hears where it is (not
  // on the first load: then the browser starts at the top as usual).
  if (!eersteKeer) focusKop();
  eersteKeer = false;
}

function toonInloggen() {
  if (melding) {
    $('login-melding').textContent = melding;
    melding = '';
  }
  $('login-form').addEventListener('submit', login);
}

async function login(ev) {
  ev.preventDefault();
  const token = $('token').value.trim();
  $('login-fout').textContent = '';
  const { status, body } = await vraag('/v1/session', {
    method: 'POST', headers: { Authorization: `Bearer ${token}` },
  }, true).catch((e) => ({ status: 0, body: { message: e.message } }));
  $('token').value = '';
  if (status !== 200 || !body) {
    $('login-fout').textContent = status === 401
      ? 'Dit token is onbekend, ingetrokken of verlopen.'
      : `Inloggen lukt niet (${(body && body.message) || `status ${status}`}).`;
    $('token').focus();
    return;
  }
  await ingelogd(body);
  const terug = sessionStorage.getItem('na-inloggen');
  sessionStorage.removeItem('na-inloggen');
  location.hash = terug && ROUTES[terug] ? terug : startRoute();
}

// The session's party; the scopes come from /v1/whoami (the session
// answer may carry them too).
async function ingelogd(sessie) {
  zetCsrf(sessie.csrf);
  wie = { ...sessie };
  delete wie.csrf;
  if (wie.role === 'analist' && !wie.scopes && !Array.isArray(wie.scope)) {
    const { status, body } = await vraag('/v1/whoami');
    if (status === 200 && body) wie.scopes = body.scopes || [];
  }
}

function uit(tekst) {
  wie = null;
  zetCsrf(null);
  melding = tekst;
  zetMenu('');
  if (location.hash === '#/inloggen') toonRoute();
  else location.hash = '#/inloggen';
}

async function logout() {
  await vraag('/v1/logout', { method: 'POST' }, true).catch(() => null);
  uit('U bent uitgelogd.');
}

async function start() {
  $('uitloggen').addEventListener('click', logout);
  // The skip link moves focus to <main> without touching the hash (the
  // hash is the route).
  $('skiplink').addEventListener('click', (ev) => {
    ev.preventDefault();
    $('inhoud').focus();
  });
  opVerlopen(() => {
    if (wie) uit('Uw sessie is verlopen. Log opnieuw in.');
  });
  const { status, body } = await vraag('/v1/session', {}, true)
    .catch(() => ({ status: 0, body: null }));
  if (status === 200 && body) await ingelogd(body);
  window.addEventListener('hashchange', toonRoute);
  await toonRoute();
}

start();
