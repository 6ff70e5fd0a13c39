// Charts with Observable Plot (web/vendor/plot, global Plot and d3).
//
// The CSP allows no inline style (style-src 'self'): Plot puts a <style>
// element with its defaults into every SVG, which the browser would refuse
// (a CSP violation). It is taken out before the SVG enters the page;
// app.css has the same rules for the class "grafiek". Plot's other styling
// goes through presentation attributes and the CSSOM (element.style),
// which the CSP allows.
import { getal } from './fmt';
import { el } from './tabel';

// Colours with at least 3:1 contrast against white (WCAG 1.4.11), told
// apart by more than hue where it matters (the legend names every line).
export const KLEUREN = ['#154273', '#b34700', '#2e7d32', '#8b1a8b',
  '#a00000', '#00626b', '#6b5a00', '#4d4d4d', '#0b6fb8', '#7a3e00'];

export function klaar() {
  return typeof globalThis.Plot === 'object' && globalThis.Plot !== null;
}

let laden = null;

/*
 * Loads the chart library once, when a page with charts first needs it
 * (the login page stays light). Its UMD builds, imported as modules, set
 * the globals d3 and Plot (they look for globalThis); Plot needs d3 first.
 */
export function laadGrafieken() {
  if (!laden) {
    laden = import('/vendor/d3').then(() => import('/vendor/plot'))
      .catch((e) => {
        laden = null;
        console.warn('sorttp: chart library not loaded', e);
      });
  }
  return laden;
}

function zonderStijl(node) {
  for (const s of node.querySelectorAll('style')) s.remove();
  return node;
}

/*
 * Draws into figure (a <figure> holding a <figcaption>): opties for
 * Plot.plot, label the summary for screen readers (aria-label), sleutel
 * [{naam, kleur, soort}] an HTML legend (soort: a filled box, or
 * 'streep' a line, 'gestippeld' a dashed line). Replaces what was drawn before.
 */
export function teken(figuur, opties, label, sleutel = []) {
  for (const oud of figuur.querySelectorAll('svg, .sleutel, .geen-grafiek')) {
    oud.remove();
  }
  const cap = figuur.querySelector('figcaption');
  if (!klaar()) {
    figuur.insertBefore(el('p', { class: 'geen-grafiek' },
      'De grafiek kan niet worden getekend; de tabel heeft alle cijfers.'),
    cap);
    return;
  }
  // As wide as the page gives it, within reason (the SVG scales down).
  const breed = Math.min(1000, Math.max(480, figuur.clientWidth || 640));
  const svg = zonderStijl(globalThis.Plot.plot({
    className: 'grafiek', style: null, width: breed, ...opties,
  }));
  // The SVG is one image with one name; Plot's own aria-labels on its
  // groups ("line", "tick") are not allowed on a <g> without a role.
  for (const e of svg.querySelectorAll('[aria-label], [aria-description], [aria-hidden]')) {
    e.removeAttribute('aria-label');
    e.removeAttribute('aria-description');
    e.removeAttribute('aria-hidden');
  }
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  figuur.insertBefore(svg, cap);
  if (sleutel.length > 0) {
    const ul = el('ul', { class: 'sleutel', 'aria-hidden': 'true' });
    for (const s of sleutel) {
      const vak = el('span', { class: `kleur ${s.soort || 'vlak'}` });
      // The CSSOM, not a style attribute: allowed by the CSP.
      vak.style.borderColor = s.kleur;
      if (!s.soort) vak.style.backgroundColor = s.kleur;
      ul.append(el('li', {}, vak, s.naam));
    }
    figuur.insertBefore(ul, cap);
  }
}

export function getalTekst(v, soort) {
  return getal(v, soort === 'gem' ? 2 : soort === 'pct' ? 1 : 0);
}

// The periods that get a tick on a trend's x axis: all of them, except
// for months over more than a year: then one per quarter (the labels
// would overlap).
export function asPerioden(perioden) {
  if (perioden.length <= 12 || !/^\d{4}-\d{2}$/.test(perioden[0])) {
    return perioden;
  }
  return perioden.filter((p) => (Number(p.slice(5)) - 1) % 3 === 0);
}
