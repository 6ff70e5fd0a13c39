// #/invoeren (aanbieder): one measurement by hand, POST /v1/scores/handmatig
// with the scores CSV's column names as keys; the server runs exactly the
// upload path. Errors come back per field ("veld") and are shown at the
// field (aria-invalid, aria-describedby) and in a table.
import { vraag } from './api';
import { bon, foutTabel } from './bon';
import { el } from './tabel';

const $ = (id) => document.getElementById(id);
const DOELEN = 10;

function doelRijen() {
  const body = $('doelen');
  for (let i = 1; i <= DOELEN; i++) {
    const gas = el('input', { id: `i-gas_${i}`, name: `gas_${i}`,
      autocomplete: 'off', inputmode: 'numeric', size: '4',
      'aria-describedby': 'h-gas' });
    const gew = el('input', { id: `i-gewicht_${i}`, name: `gewicht_${i}`,
      autocomplete: 'off', inputmode: 'numeric', size: '4',
      'aria-describedby': 'h-gas' });
    body.append(el('tr', {}, el('th', { scope: 'row' }, `Doel ${i}`),
      el('td', {}, el('label', { for: `i-gas_${i}`, class: 'vh' },
        `GAS-score doel ${i}`), gas),
      el('td', {}, el('label', { for: `i-gewicht_${i}`, class: 'vh' },
        `Gewicht doel ${i}`), gew)));
  }
}

function wisFouten(form) {
  for (const e of form.querySelectorAll('.veldfout')) e.remove();
  for (const e of form.querySelectorAll('[aria-invalid]')) {
    e.removeAttribute('aria-invalid');
    const d = (e.getAttribute('aria-describedby') || '').split(' ')
      .filter((x) => x && !x.startsWith('fout-'));
    if (d.length) e.setAttribute('aria-describedby', d.join(' '));
    else e.removeAttribute('aria-describedby');
  }
}

function toonFouten(form, fouten) {
  let eerste = null;
  const perVeld = new Map();
  for (const f of fouten) {
    if (!f.veld) continue;
    if (!perVeld.has(f.veld)) perVeld.set(f.veld, []);
    perVeld.get(f.veld).push(f.message || f.code);
  }
  for (const [naam, meldingen] of perVeld) {
    const invoer = form.elements.namedItem(naam);
    if (!(invoer instanceof HTMLElement)) continue;
    const id = `fout-${naam}`;
    invoer.setAttribute('aria-invalid', 'true');
    const d = (invoer.getAttribute('aria-describedby') || '').split(' ')
      .filter(Boolean);
    invoer.setAttribute('aria-describedby', [id, ...d].join(' '));
    invoer.insertAdjacentElement('afterend', el('p', { id, class: 'veldfout' },
      meldingen.join(' ')));
    if (!eerste) eerste = invoer;
  }
  return eerste;
}

export function toonInvoeren() {
  doelRijen();
  const form = $('invoer-form');
  const status = $('invoer-status');
  const inhoud = $('invoer-inhoud');
  const knop = $('invoer-verstuur');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    wisFouten(form);
    inhoud.replaceChildren();
    const meting = {};
    for (const e of form.elements) {
      if (!e.name) continue;
      const v = e.value.trim();
      if (v !== '') meting[e.name] = v;
    }
    knop.disabled = true;
    status.textContent = 'De meting wordt gecontroleerd en opgeslagen…';
    try {
      const { status: s, body } = await vraag('/v1/scores/handmatig', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(meting) });
      if ((s === 201 || s === 200) && body) {
        status.textContent = s === 200
          ? 'Deze meting was al ontvangen; er is niets dubbel opgeslagen.'
          : 'De meting is opgeslagen.';
        inhoud.append(bon(body, true));
        $('invoer-resultaat').scrollIntoView({ block: 'start' });
        // The identifiers do not stay on the screen.
        form.reset();
      } else if (s === 422 && body && Array.isArray(body.errors)) {
        const n = body.error_count ?? body.errors.length;
        status.textContent = `De meting is afgekeurd met ${n} ${n === 1
          ? 'fout' : 'fouten'}. Er is niets opgeslagen.`;
        inhoud.append(foutTabel('invoer-fouten', body.errors, n, true));
        const eerste = toonFouten(form, body.errors);
        if (eerste) eerste.focus();
      } else if (s === 401) {
        status.textContent = 'Uw sessie is verlopen; log opnieuw in.';
      } else {
        status.textContent = 'De meting is niet opgeslagen. '
          + `${(body && body.message) || `De server gaf status ${s}.`}`;
      }
    } catch (e) {
      status.textContent = e.message;
    } finally {
      knop.disabled = false;
    }
  });
}
