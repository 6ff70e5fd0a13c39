// #/mijn-cijfers (aanbieder): its own figures per cluster beside the
// cluster's vergelijking (docs/indicators.md §8), over the last two years.
import { ApiFout, haal } from './api';
import { laatsteTweeJaar, periodeNaam } from './fmt';
import { INDICATOREN, veld, waarde } from './maten';
import { cijferTabel, el, gemeenteTekst } from './tabel';
import { KLEUREN, asPerioden, getalTekst, laadGrafieken, teken } from './grafiek';
import { dekkingTabel, downloads, indicatorOpties, indicatorUrl, leegTekst,
  maatOpties, vulKeuze } from './indicatoren';
import { getal, periodeDatum, periodeKort } from './fmt';

const $ = (id) => document.getElementById(id);

function punt(cel, pad) {
  if (cel.suppressed) return null;
  const v = waarde(cel, pad);
  return typeof v === 'number' ? v : null;
}

function tekenEigen(figuur, antwoord, ind, pad, wie) {
  const v = veld(ind, pad);
  const gebied = (c) => (c.gemeente ? gemeenteTekst(c) : c.cluster);
  const gebieden = [...new Set(antwoord.cells.map((c) => (c.vergelijking
    ? c.cluster : gebied(c))))];
  const kleur = new Map(gebieden.map((n, i) => [n, KLEUREN[i % KLEUREN.length]]));
  const punten = antwoord.cells.map((c) => ({
    x: periodeDatum(c.period), p: c.period, y: punt(c, pad),
    s: c.vergelijking ? c.cluster : gebied(c), v: !!c.vergelijking,
    vl: c.voorlopig === true,
    reeks: `${c.vergelijking ? 'v' : 'e'}|${c.vergelijking ? c.cluster
      : gebied(c)}`,
  }));
  const perioden = [...new Set(antwoord.cells.map((c) => c.period))].sort();
  const samenvatting = gebieden.map((g) => {
    const eigen = punten.filter((d) => !d.v && d.s === g && d.y !== null);
    const verg = punten.filter((d) => d.v && d.s === g && d.y !== null);
    const e = eigen[eigen.length - 1];
    const w = verg[verg.length - 1];
    return `${g}: eigen ${e ? `${getalTekst(e.y, v.soort)} in ${
      periodeNaam(e.p)}` : 'geen zichtbaar cijfer'}, cluster ${w
      ? `${getalTekst(w.y, v.soort)} in ${periodeNaam(w.p)}`
      : 'geen zichtbaar cijfer'}`;
  });
  const label = `Lijngrafiek van ${v.kop.toLowerCase()} van ${wie.name
  } per ${antwoord.period === 'month' ? 'maand' : antwoord.period === 'quarter'
    ? 'kwartaal' : 'jaar'}: doorgetrokken de eigen cijfers, gestippeld het `
    + `hele cluster. Laatste cijfers: ${samenvatting.join('; ') || 'geen'}. `
    + 'De tabel naast de grafiek heeft alle cijfers.';
  const P = globalThis.Plot;
  const lijn = (data, streep) => P.line(data, { x: 'x', y: 'y', z: 'reeks',
    stroke: 's', strokeWidth: 2, strokeDasharray: streep ? '6,4' : null,
    defined: (d) => d.y !== null });
  teken(figuur, {
    height: 340, marginLeft: 56, marginBottom: 40,
    x: { type: 'utc', label: null, ticks: asPerioden(perioden).map(periodeDatum),
      tickFormat: (d) => {
        const p = perioden.find((q) => periodeDatum(q).getTime() === d.getTime());
        return p ? periodeKort(p) : '';
      } },
    y: { label: v.kop, grid: true, domain: v.soort === 'pct' ? [0, 100]
      : undefined, tickFormat: (d) => getal(d, 0) },
    color: { domain: gebieden, range: gebieden.map((g) => kleur.get(g)) },
    marks: P ? [
      leegTekst(punten.every((d) => d.y === null)),
      lijn(punten.filter((d) => !d.v), false),
      lijn(punten.filter((d) => d.v), true),
      P.dot(punten.filter((d) => d.y !== null), { x: 'x', y: 'y', fill: 's',
        r: 3, symbol: (d) => (d.v ? 'square' : 'circle'),
        title: (d) => `${d.v ? 'cluster' : 'eigen'} ${d.s}, ${
          periodeNaam(d.p)}: ${getalTekst(d.y, v.soort)}${
          d.vl ? ' (voorlopig)' : ''}` }),
    ] : [],
  }, label, [
    ...gebieden.map((g) => ({ naam: `${g} (eigen)`, kleur: kleur.get(g) })),
    ...gebieden.map((g) => ({ naam: `${g} (heel cluster)`, kleur: kleur.get(g),
      soort: 'gestippeld' })),
  ]);
  figuur.querySelector('figcaption').textContent = `${v.kop}: eigen cijfers `
    + '(doorgetrokken lijn) en het hele cluster (gestippeld). Een onderbroken '
    + 'lijn: dat cijfer is afgeschermd of niet te berekenen. Een * in de '
    + 'tabel: voorlopig.';
}

export async function toonMijnCijfers(wie) {
  const f = { ind: $('f-indicator'), maat: $('f-maat'),
    periode: $('f-periode') };
  const status = $('ind-status');
  let beurt = 0;
  vulKeuze(f.ind, indicatorOpties(), 'doelrealisatie');

  async function laad() {
    const mijn = ++beurt;
    const ind = f.ind.value;
    const maten = maatOpties(ind);
    vulKeuze(f.maat, maten, maten.some(([p]) => p === f.maat.value)
      ? f.maat.value : INDICATOREN[ind].maat);
    const t = laatsteTweeJaar(f.periode.value);
    const url = indicatorUrl(ind, { by: 'aanbieder', period: f.periode.value,
      from: t.from, to: t.to });
    // Coverage beside the indicator, same cells and periods (§7a).
    const dekUrl = indicatorUrl('aanlevering', { by: 'aanbieder',
      period: f.periode.value, from: t.from, to: t.to });
    const metDekking = ind !== 'aanlevering';
    $('dekking').hidden = !metDekking;
    downloads(url, 'dl-csv', 'dl-xlsx');
    downloads(dekUrl, 'dl-dekking-csv', 'dl-dekking-xlsx');
    status.textContent = 'De cijfers worden opgehaald…';
    $('eigen').setAttribute('aria-busy', 'true');
    try {
      const [a, dek] = await Promise.all([haal(url), metDekking
        ? haal(dekUrl).catch((e) => e) : Promise.resolve(null),
      laadGrafieken()]);
      if (mijn !== beurt) return;
      tekenEigen($('eigen'), a, ind, f.maat.value, wie);
      $('eigen-tabel').replaceChildren(cijferTabel(url, a,
        [...INDICATOREN[ind].velden, { pad: 'n_aanbieders',
          kop: 'Aanbieders in het cluster', soort: 'aantal' }],
        `${INDICATOREN[ind].naam}: eigen cijfers en vergelijking per cluster, ${
          periodeNaam(t.perioden[0])} tot en met ${
          periodeNaam(t.perioden[t.perioden.length - 1])}`));
      if (metDekking) {
        $('dekking-tabel').replaceChildren(dekkingTabel(dekUrl, dek,
          `Aanlevering: eigen beëindigde producten en het hele cluster, met `
          + `GAS-eindmeting, met CEM+-respons en onder opt-out, ${
            periodeNaam(t.perioden[0])} tot en met ${
            periodeNaam(t.perioden[t.perioden.length - 1])}`,
        [{ pad: 'n_aanbieders', kop: 'Aanbieders in het cluster',
          soort: 'aantal' }]));
      }
      status.textContent = `Bijgewerkt: ${INDICATOREN[ind].naam}.`;
    } catch (e) {
      if (mijn !== beurt) return;
      status.textContent = '';
      status.append(el('span', { class: 'fout' }, e instanceof ApiFout
        ? e.message : 'De cijfers konden niet worden getoond.'));
      if (!(e instanceof ApiFout)) console.warn(e);
    } finally {
      if (mijn === beurt) $('eigen').removeAttribute('aria-busy');
    }
  }
  $('filters').addEventListener('change', laad);
  $('filters').addEventListener('submit', (ev) => ev.preventDefault());
  await laad();
}
