// Tables: every figure the charts draw, as text, for screen readers and
// for copying. A figures table names the API URL it shows (data-query),
// each row its cell (data-cel) and each figure its JSON path (data-veld),
// so a test can compare it with the API figure by figure.
import { getal, periodeNaam } from './fmt';
import { waarde } from './maten';

let volgnummer = 0;

// Creates an element: el('td', {class: 'x', 'data-veld': 'n'}, 'tekst').
export function el(naam, attrs = {}, ...kinderen) {
  const e = document.createElement(naam);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kinderen) {
    if (k === null || k === undefined) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

const DECIMALEN = { aantal: 0, pct: 1, gem: 2 };

// The text of one figure: "." in a suppressed cell, "–" for a null (or
// absent) figure, otherwise nl-NL with the field's decimals.
export function cijferTekst(cel, veld) {
  if (cel.suppressed) return '.';
  const v = waarde(cel, veld.pad);
  if (v === null || v === undefined || typeof v !== 'number') return '–';
  return getal(v, DECIMALEN[veld.soort]);
}

export function celSleutel(cel) {
  const k = [cel.period ?? '', cel.cluster ?? '', cel.gemeente ?? '',
    cel.aanbieder ?? '', cel.vergelijking ? 'v' : ''].join('|');
  return cel.groep ? `${k}|${cel.groep}` : k;
}

// The group of a breakdown cell (docs/indicators.md 7b).
export function groepTekst(cel) {
  if (!cel.groep) return '';
  if (cel.groep === 'totaal') return 'alle cliënten';
  return cel.groep_naam ? `${cel.groep_naam} (${cel.groep})` : cel.groep;
}

export function gemeenteTekst(cel) {
  if (!cel.gemeente) return '';
  return cel.gemeente_naam ? `${cel.gemeente_naam} (${cel.gemeente})`
    : cel.gemeente;
}

export function aanbiederTekst(cel) {
  if (cel.vergelijking) return 'heel cluster (vergelijking)';
  if (!cel.aanbieder) return '';
  return cel.aanbieder_naam ? `${cel.aanbieder_naam} (${cel.aanbieder})`
    : cel.aanbieder;
}

// The columns that say which cell a row is, by the answer's "by".
function sleutelKolommen(antwoord) {
  const k = [{ kop: 'Periode', tekst: (c) => periodeNaam(c.period) }];
  if (antwoord.by !== 'regio') {
    k.push({ kop: 'Cluster', tekst: (c) => c.cluster ?? '' });
  }
  if (antwoord.by === 'gemeente' || antwoord.by === 'aanbieder') {
    k.push({ kop: 'Gemeente', tekst: gemeenteTekst });
  }
  if (antwoord.by === 'aanbieder') {
    k.push({ kop: 'Aanbieder', tekst: aanbiederTekst });
  }
  if (antwoord.by === 'regio') {
    k.push({ kop: 'Gebied', tekst: () => 'hele regio' });
  }
  if (antwoord.uitsplitsing) {
    k.push({ kop: `Groep (${antwoord.uitsplitsing})`, tekst: groepTekst });
  }
  return k;
}

export function legenda() {
  return el('ul', { class: 'legenda', 'aria-label': 'Tekens in de tabel' },
    el('li', {}, el('span', { class: 'teken', 'aria-hidden': 'true' }, '.'),
      ' afgeschermd: te weinig cliënten'),
    el('li', {}, el('span', { class: 'teken', 'aria-hidden': 'true' }, '–'),
      ' niet te berekenen'),
    el('li', {}, el('span', { class: 'teken', 'aria-hidden': 'true' }, '*'),
      ' voorlopig: kan nog veranderen'));
}

// A figure of a voorlopig cell (docs/indicators.md §7a) gets "*" after
// it, as CBS does. The mark is CSS generated content (app.css,
// td.voorlopig::after, spoken as "voorlopig"), so the cell's text stays
// exactly the figure a test compares with the API; only shown numbers
// are marked, not "." or "–" (contract.md, "Voorlopig").
export function isVoorlopig(cel, tekst) {
  return cel.voorlopig === true && tekst !== '.' && tekst !== '–';
}

// A scrollable wrapper a keyboard can reach (a wide table scrolls).
export function schuifvak(tabel, captionId) {
  return el('div', { class: 'schuif', tabindex: '0', role: 'region',
    'aria-labelledby': captionId }, tabel);
}

/*
 * The table of an indicator answer. query: the exact API URL (JSON) the
 * answer came from; velden: the columns (maten.js); titel: the caption.
 * Returns a wrapper holding the table and its legend.
 */
export function cijferTabel(query, antwoord, velden, titel) {
  const id = `tabel-${++volgnummer}`;
  const sleutels = sleutelKolommen(antwoord);
  const kop = el('tr', {});
  for (const s of sleutels) kop.append(el('th', { scope: 'col' }, s.kop));
  for (const v of velden) {
    kop.append(el('th', { scope: 'col', class: 'getal' }, v.kop));
  }
  const body = el('tbody', {});
  for (const cel of antwoord.cells) {
    const tr = el('tr', { 'data-cel': celSleutel(cel),
      'data-voorlopig': cel.voorlopig === true ? 'true' : null,
      class: cel.vergelijking ? 'vergelijking' : null });
    sleutels.forEach((s, i) => {
      tr.append(el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' }
        : { class: 'sleutel' }, s.tekst(cel)));
    });
    for (const v of velden) {
      const tekst = cijferTekst(cel, v);
      tr.append(el('td', { 'data-veld': v.pad, class: isVoorlopig(cel, tekst)
        ? 'getal voorlopig' : 'getal' }, tekst));
    }
    body.append(tr);
  }
  const tabel = el('table', { class: 'cijfers', 'data-query': query },
    el('caption', { id }, titel), el('thead', {}, kop), body);
  // An empty answer: said beside the table, so that every body row is a
  // cell of the answer.
  return el('div', { class: 'tabel-met-legenda' }, schuifvak(tabel, id),
    antwoord.cells.length === 0 ? el('p', { class: 'leeg' },
      'Geen cijfers: er zijn geen eenheden in deze selectie.') : null,
    legenda());
}

// A plain table (lists): kolommen [{kop, tekst(rij) -> string|Node}].
export function lijstTabel(id, titel, kolommen, rijen, leeg) {
  const capId = `${id}-titel`;
  const kop = el('tr', {});
  for (const k of kolommen) {
    kop.append(el('th', { scope: 'col', class: k.getal ? 'getal' : null },
      k.kop));
  }
  const body = el('tbody', {});
  for (const r of rijen) {
    const tr = el('tr', {});
    kolommen.forEach((k, i) => {
      tr.append(el(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null,
        class: k.getal ? 'getal' : null }, k.tekst(r)));
    });
    body.append(tr);
  }
  const vak = schuifvak(el('table', { id, class: 'lijst' },
    el('caption', { id: capId }, titel), el('thead', {}, kop), body), capId);
  // An empty list: said below the table; every body row is an item.
  return rijen.length === 0 ? el('div', {}, vak, el('p', { class: 'leeg' },
    leeg)) : vak;
}
