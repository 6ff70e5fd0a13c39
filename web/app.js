// sorttp web app. An ES module; no inline script anywhere (the CSP forbids
// it). The session cookie is HttpOnly: this code never sees it. It keeps
// only the CSRF token, in memory, from GET /v1/session.
const ROLNAAM = {
  aanbieder: 'aanbieder', analist: 'analist', bergop: 'Berg op',
  berichtenverkeer: 'berichtenverkeer', monitor: 'beheer',
};

let csrf = null;

function $(id) { return document.getElementById(id); }

function toon(sectie) {
  for (const id of ['login', 'start']) $(id).hidden = id !== sectie;
  $('wie').hidden = sectie === 'login';
}

async function sessie() {
  const r = await fetch('/v1/session', { credentials: 'same-origin' });
  if (r.status !== 200) return null;
  return r.json();
}

function ingelogd(wie) {
  csrf = wie.csrf || null;
  $('wie-tekst').textContent = `Ingelogd als ${wie.name} (${ROLNAAM[wie.role] || wie.role})`;
  $('start-tekst').textContent = wie.role === 'aanbieder'
    ? `U bent ingelogd als aanbieder${wie.agb ? ' met AGB-code ' + wie.agb : ''}.`
    : 'U bent ingelogd als analist.';
  toon('start');
}

async function login(ev) {
  ev.preventDefault();
  const token = $('token').value.trim();
  $('login-fout').textContent = '';
  const r = await fetch('/v1/session', {
    method: 'POST', credentials: 'same-origin',
    headers: { Authorization: `Bearer ${token}` },
  });
  $('token').value = '';
  if (r.status !== 200) {
    $('login-fout').textContent = r.status === 401
      ? 'Dit token is onbekend, ingetrokken of ongeldig.'
      : `Inloggen lukt niet (status ${r.status}).`;
    return;
  }
  ingelogd(await r.json());
}

async function logout() {
  await fetch('/v1/logout', {
    method: 'POST', credentials: 'same-origin',
    headers: csrf ? { 'X-CSRF-Token': csrf } : {},
  });
  csrf = null;
  toon('login');
}

async function start() {
  $('login-form').addEventListener('submit', login);
  $('uitloggen').addEventListener('click', logout);
  const wie = await sessie();
  if (wie) ingelogd(wie); else toon('login');
}

start();
