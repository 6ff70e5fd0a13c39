// #/indicatoren (analist): per indicator a trend over the last two years and
// a comparison across aanbieders or gemeenten for one period, with the
// cluster average marked; every chart with its table. The selectors offer
// only what the party's scope allows (from /v1/whoami and the answers).
import { ApiFout, haal } from './api';
import { getal, laatsteTweeJaar, periodeDatum, periodeKort, periodeMaanden,
  periodeNaam } from './fmt';
import { INDICATOREN, uitsplitsing, veld, waarde } from './maten';
import { aanbiederTekst, cijferTabel, el, gemeenteTekst } from './tabel';
import { KLEUREN, asPerioden, getalTekst, laadGrafieken, teken } from './grafiek';

const $ = (id) => document.getElementById(id);

// The query string, in a fixed order, so the same question is always the
// same URL (the tables name it in data-query).
export function indicatorUrl(naam, p) {
  const q = [];
  for (const k of ['by', 'period', 'from', 'to', 'cluster', 'gemeente',
    'aanbieder', 'uitsplitsing']) {
    if (p[k]) q.push(`${k}=${encodeURIComponent(p[k])}`);
  }
  return `/v1/indicators/${naam}?${q.join('&')}`;
}

export function downloads(url, csvId, xlsxId) {
  $(csvId).href = `${url}&format=csv`;
  $(xlsxId).href = `${url}&format=xlsx`;
}

export function vulKeuze(select, opties, gekozen) {
  const oud = gekozen ?? select.value;
  select.replaceChildren(...opties.map(([w, t]) => el('option', { value: w },
    t)));
  if (opties.some(([w]) => w === oud)) select.value = oud;
}

export function maatOpties(indicator) {
  return INDICATOREN[indicator].velden.filter((v) => v.in_grafiek)
    .map((v) => [v.pad, v.kop]);
}

export function indicatorOpties() {
  return Object.entries(INDICATOREN).map(([k, v]) => [k, v.naam]);
}

// Said in the chart when it has nothing to draw.
export function leegTekst(leeg) {
  if (!leeg) return null;
  return globalThis.Plot.text([leegZin], { frameAnchor: 'middle',
    fontSize: 14, fill: '#1a1a1a' });
}
const leegZin = 'Geen zichtbare cijfers: afgeschermd, niet te berekenen of '
  + 'geen eenheden.';

function reeksNaam(cel) {
  if (cel.aanbieder && !cel.gemeente) return cel.cluster;
  if (cel.gemeente) return gemeenteTekst(cel);
  return cel.cluster || 'hele regio';
}

// A number for the chart: null when suppressed or not computable.
function punt(cel, pad) {
  if (cel.suppressed) return null;
  const v = waarde(cel, pad);
  return typeof v === 'number' ? v : null;
}

// The trend: lines over the periods, one per series (cluster, gemeente).
export function tekenTrend(figuur, antwoord, ind, pad, reeks, opschrift) {
  const v = veld(ind, pad);
  const namen = [...new Set(antwoord.cells.map(reeks))];
  const kleur = new Map(namen.map((n, i) => [n, KLEUREN[i % KLEUREN.length]]));
  const punten = antwoord.cells.map((c) => ({
    x: periodeDatum(c.period), p: c.period, y: punt(c, pad), s: reeks(c),
    vl: c.voorlopig === true,
  }));
  const perioden = [...new Set(antwoord.cells.map((c) => c.period))].sort();
  const laatste = namen.map((n) => {
    const r = punten.filter((d) => d.s === n && d.y !== null);
    const l = r[r.length - 1];
    return l ? `${n} ${getalTekst(l.y, v.soort)} in ${periodeNaam(l.p)}`
      : `${n} geen zichtbaar cijfer`;
  });
  const label = `Lijngrafiek van ${v.kop.toLowerCase()} per ${
    antwoord.period === 'month' ? 'maand' : antwoord.period === 'quarter'
      ? 'kwartaal' : 'jaar'}, ${opschrift}. ${namen.length} ${
    namen.length === 1 ? 'lijn' : 'lijnen'}. Laatste cijfer: ${
    laatste.join('; ')}. De tabel naast de grafiek heeft alle cijfers.`;
  const P = globalThis.Plot;
  teken(figuur, {
    height: 340, marginLeft: 56, marginBottom: 40,
    x: { type: 'utc', label: null, ticks: asPerioden(perioden).map(periodeDatum),
      tickFormat: (d) => {
        const p = perioden.find((q) => periodeDatum(q).getTime() === d.getTime());
        return p ? periodeKort(p) : '';
      } },
    y: { label: v.kop, grid: true, zero: v.soort === 'pct',
      domain: v.soort === 'pct' ? [0, 100] : undefined,
      tickFormat: (d) => getal(d, 0) },
    color: { domain: namen, range: namen.map((n) => kleur.get(n)) },
    marks: P ? [
      leegTekst(punten.every((d) => d.y === null)),
      P.line(punten, { x: 'x', y: 'y', stroke: 's', strokeWidth: 2,
        defined: (d) => d.y !== null }),
      P.dot(punten.filter((d) => d.y !== null), { x: 'x', y: 'y',
        fill: 's', r: 3, title: (d) => `${d.s}, ${periodeNaam(d.p)}: ${
          getalTekst(d.y, v.soort)}${d.vl ? ' (voorlopig)' : ''}` }),
    ] : [],
  }, label, namen.map((n) => ({ naam: n, kleur: kleur.get(n) })));
  figuur.querySelector('figcaption').textContent =
    `${v.kop}, ${opschrift}. Een onderbroken lijn: dat cijfer is afgeschermd `
    + 'of niet te berekenen. Een * in de tabel: voorlopig.';
}

// The comparison: a bar per cell, the cluster average as a black mark.
function tekenVergelijking(figuur, antwoord, ind, pad, gemiddelde, tijdvak,
    opschrift) {
  const v = veld(ind, pad);
  const rijen = antwoord.cells.map((c) => ({
    naam: antwoord.by === 'aanbieder'
      ? `${aanbiederTekst(c)}${c.gemeente ? ` – ${c.gemeente_naam || c.gemeente}`
        : ` – ${c.cluster}`}`
      : `${gemeenteTekst(c)}`,
    cluster: c.cluster, y: punt(c, pad), afgeschermd: c.suppressed,
    gem: gemiddelde.get(c.cluster) ?? null,
  }));
  // Clusters in the answer's order (the region's), within a cluster the
  // highest first, hidden figures last.
  const clusters = [...new Set(rijen.map((r) => r.cluster))];
  rijen.sort((a, b) => clusters.indexOf(a.cluster) - clusters.indexOf(b.cluster)
    || (b.y ?? -1) - (a.y ?? -1));
  const kleur = new Map(clusters.map((n, i) => [n, KLEUREN[i % KLEUREN.length]]));
  const P = globalThis.Plot;
  const zichtbaar = rijen.filter((r) => r.y !== null);
  const hoog = zichtbaar.slice().sort((a, b) => b.y - a.y)[0];
  const laag = zichtbaar.slice().sort((a, b) => a.y - b.y)[0];
  const wat = antwoord.by === 'aanbieder' ? 'aanbieders' : 'gemeenten';
  const gemTekst = [...gemiddelde.entries()].map(([c, g]) =>
    `${c} ${getalTekst(g, v.soort)}`).join('; ');
  const label = `Staafdiagram van ${v.kop.toLowerCase()}, ${opschrift}, in ${
    periodeNaam(tijdvak)}, ${rijen.length} ${wat}${zichtbaar.length < rijen.length
    ? ` (van ${rijen.length - zichtbaar.length} geen zichtbaar cijfer)` : ''}.${
    hoog ? ` Hoogste: ${hoog.naam} ${getalTekst(hoog.y, v.soort)}; laagste: ${
      laag.naam} ${getalTekst(laag.y, v.soort)}.` : ''}${gemTekst
    ? ` Clustergemiddelde: ${gemTekst}.` : ''} De tabel naast de grafiek heeft `
    + 'alle cijfers.';
  const max = v.soort === 'pct' ? 100 : undefined;
  teken(figuur, {
    height: Math.max(120, rijen.length * 22 + 50),
    marginLeft: 260, marginRight: 24, marginTop: 40,
    x: { label: v.kop, grid: true, domain: max ? [0, max] : undefined,
      tickFormat: (d) => getal(d, 0), axis: 'top' },
    y: { label: null, domain: rijen.map((r) => r.naam),
      tickFormat: (d) => (d.length > 40 ? `${d.slice(0, 39)}…` : d) },
    color: { domain: clusters, range: clusters.map((c) => kleur.get(c)) },
    marks: P ? [
      leegTekst(rijen.length === 0),
      P.barX(zichtbaar, { y: 'naam', x: 'y', fill: 'cluster',
        title: (d) => `${d.naam}: ${getalTekst(d.y, v.soort)}` }),
      P.text(rijen.filter((r) => r.y === null), { y: 'naam', x: 0,
        text: (d) => (d.afgeschermd ? '. afgeschermd' : '– niet te berekenen'),
        textAnchor: 'start', dx: 4, fill: '#1a1a1a' }),
      P.tickX(rijen.filter((r) => r.gem !== null), { y: 'naam', x: 'gem',
        stroke: '#000', strokeWidth: 3,
        title: (d) => `clustergemiddelde ${d.cluster}: ${
          getalTekst(d.gem, v.soort)}` }),
    ] : [],
  }, label, [...clusters.map((c) => ({ naam: c, kleur: kleur.get(c) })),
    { naam: 'gemiddelde van het cluster', kleur: '#000', soort: 'streep' }]);
  figuur.querySelector('figcaption').textContent =
    `${v.kop} per ${antwoord.by === 'aanbieder' ? 'aanbieder' : 'gemeente'}, `
    + `${opschrift}, ${periodeNaam(tijdvak)}. De zwarte streep is het `
    + 'gemiddelde van het '
    + 'cluster (alle aanbieders samen).';
}

// The coverage table, or why there is none (the page goes on without it).
export function dekkingTabel(url, antwoord, titel, extra = []) {
  if (antwoord instanceof Error || !antwoord) {
    return el('p', {}, `De aanlevering kon niet worden opgehaald${
      antwoord instanceof ApiFout ? `: ${antwoord.message}` : '.'}`);
  }
  return cijferTabel(url, antwoord, [...INDICATOREN.aanlevering.velden,
    ...extra], titel);
}

function scopeVan(wie) {
  const clusters = [];
  const gemeenten = [];
  // /v1/whoami's "scopes" (or the session's "scope"), as "cluster:NAAM"
  // and "gemeente:CODE".
  const lijst = Array.isArray(wie.scopes) ? wie.scopes
    : Array.isArray(wie.scope) ? wie.scope : [];
  for (const s of lijst) {
    const [soort, waardeS] = String(s).split(':');
    if (soort === 'cluster') clusters.push(waardeS);
    else if (soort === 'gemeente') gemeenten.push(waardeS);
  }
  return { clusters, gemeenten };
}

export async function toonIndicatoren(wie) {
  const scope = scopeVan(wie);
  const f = {
    ind: $('f-indicator'), maat: $('f-maat'), periode: $('f-periode'),
    cluster: $('f-cluster'), gemeente: $('f-gemeente'),
    aanbieder: $('f-aanbieder'), vergelijk: $('f-vergelijk'),
    tijdvak: $('f-tijdvak'), uitsplitsing: $('f-uitsplitsing'),
  };
  const status = $('ind-status');
  // What each indicator has, in the scope: gemeenten and aanbieders with
  // names, from one answer each (the scope limits them already).
  const catalogus = new Map();
  let beurt = 0;

  vulKeuze(f.ind, indicatorOpties(), 'doelrealisatie');

  async function catalogusVan(ind) {
    if (catalogus.has(ind)) return catalogus.get(ind);
    const t = laatsteTweeJaar('year');
    const [gem, aanb] = await Promise.all([
      haal(indicatorUrl(ind, { by: 'gemeente', period: 'year', from: t.from,
        to: t.to })),
      haal(indicatorUrl(ind, { by: 'aanbieder', period: 'year', from: t.from,
        to: t.to })),
    ]);
    const gemeenten = new Map();
    for (const c of gem.cells) {
      gemeenten.set(c.gemeente, { naam: c.gemeente_naam || c.gemeente,
        cluster: c.cluster });
    }
    const aanbieders = new Map();
    for (const c of aanb.cells) {
      const a = aanbieders.get(c.aanbieder) || { naam: c.aanbieder_naam,
        clusters: new Set(), gemeenten: new Set() };
      a.clusters.add(c.cluster);
      if (c.gemeente) a.gemeenten.add(c.gemeente);
      aanbieders.set(c.aanbieder, a);
    }
    const k = { gemeenten, aanbieders };
    catalogus.set(ind, k);
    return k;
  }

  function vulFilters(k) {
    const maten = maatOpties(f.ind.value);
    vulKeuze(f.maat, maten, maten.some(([p]) => p === f.maat.value)
      ? f.maat.value : INDICATOREN[f.ind.value].maat);
    vulKeuze(f.cluster, [['', scope.clusters.length > 1
      ? 'alle clusters in uw bevoegdheid' : scope.clusters.length === 1
        ? 'geen filter' : 'geen: geen heel cluster in uw bevoegdheid'],
    ...scope.clusters.map((c) => [c, c])]);
    const gems = [...k.gemeenten.entries()]
      .filter(([, g]) => !f.cluster.value || g.cluster === f.cluster.value)
      .sort((a, b) => a[1].naam.localeCompare(b[1].naam, 'nl'));
    vulKeuze(f.gemeente, [['', 'alle gemeenten'],
      ...gems.map(([c, g]) => [c, `${g.naam} (${c})`])]);
    const clusterVanGemeente = f.gemeente.value
      ? k.gemeenten.get(f.gemeente.value)?.cluster : '';
    const aanb = [...k.aanbieders.entries()]
      .filter(([, a]) => (!f.cluster.value || a.clusters.has(f.cluster.value))
        && (!clusterVanGemeente || a.clusters.has(clusterVanGemeente)))
      .sort((a, b) => (a[1].naam || a[0]).localeCompare(b[1].naam || b[0],
        'nl'));
    vulKeuze(f.aanbieder, [['', 'alle aanbieders'],
      ...aanb.map(([c, a]) => [c, a.naam ? `${a.naam} (${c})` : c])]);
    const t = laatsteTweeJaar(f.periode.value);
    const perioden = t.perioden.slice().reverse();
    // The current period is not over yet: the one before is the default.
    vulKeuze(f.tijdvak, perioden.map((p) => [p, periodeNaam(p)]),
      perioden.includes(f.tijdvak.value) ? f.tijdvak.value : perioden[1]);
  }

  function filterTekst() {
    const delen = [];
    if (f.aanbieder.value) {
      delen.push(`aanbieder ${f.aanbieder.selectedOptions[0].textContent}`);
    }
    if (f.gemeente.value) {
      delen.push(`gemeente ${f.gemeente.selectedOptions[0].textContent}`);
    } else if (f.cluster.value) delen.push(`cluster ${f.cluster.value}`);
    return delen.length ? delen.join(', ') : 'uw hele bevoegdheid';
  }

  async function laad() {
    const mijn = ++beurt;
    const ind = f.ind.value;
    const pad = f.maat.value;
    const soort = f.periode.value;
    const t = laatsteTweeJaar(soort);
    const filters = { cluster: f.gemeente.value ? '' : f.cluster.value,
      gemeente: f.gemeente.value, aanbieder: f.aanbieder.value };
    const k = catalogus.get(ind);
    // The trend: the most aggregated level the filters and scope allow.
    let by;
    if (filters.aanbieder) by = 'aanbieder';
    else if (filters.gemeente) by = 'gemeente';
    else if (filters.cluster) by = 'cluster';
    else by = scope.gemeenten.length === 0 ? 'cluster' : 'gemeente';
    const trendUrl = indicatorUrl(ind, { by, period: soort, from: t.from,
      to: t.to, ...filters });
    const [van, tot] = periodeMaanden(f.tijdvak.value);
    const vergUrl = indicatorUrl(ind, { by: f.vergelijk.value, period: soort,
      from: van, to: tot, ...filters });
    // The cluster average: the clusters the comparison covers, whole.
    let clusters = scope.clusters;
    if (f.cluster.value) clusters = [f.cluster.value];
    else if (f.gemeente.value) {
      clusters = [k.gemeenten.get(f.gemeente.value)?.cluster]
        .filter((c) => scope.clusters.includes(c));
    }
    const clusterUrl = clusters.length ? indicatorUrl(ind, { by: 'cluster',
      period: soort, from: van, to: tot, cluster: clusters.join(',') }) : null;
    // Coverage beside the indicator: the same population and period as
    // the comparison (docs/indicators.md §7a).
    const dekUrl = indicatorUrl('aanlevering', { by: f.vergelijk.value,
      period: soort, from: van, to: tot, ...filters });
    const metDekking = ind !== 'aanlevering';
    $('dekking').hidden = !metDekking;
    downloads(trendUrl, 'dl-trend-csv', 'dl-trend-xlsx');
    downloads(vergUrl, 'dl-csv', 'dl-xlsx');
    downloads(dekUrl, 'dl-dekking-csv', 'dl-dekking-xlsx');
    status.textContent = 'De cijfers worden opgehaald…';
    for (const id of ['trend', 'vergelijking']) $(id).setAttribute('aria-busy', 'true');
    try {
      const [trend, verg, clus, dek] = await Promise.all([haal(trendUrl),
        haal(vergUrl), clusterUrl ? haal(clusterUrl).catch((e) => e)
          : Promise.resolve(null), metDekking
          ? haal(dekUrl).catch((e) => e) : Promise.resolve(null),
        laadGrafieken()]);
      if (mijn !== beurt) return;
      const velden = INDICATOREN[ind].velden;
      const naam = INDICATOREN[ind].naam;
      const opschrift = filterTekst();
      tekenTrend($('trend'), trend, ind, pad,
        by === 'aanbieder' ? (c) => (c.gemeente ? gemeenteTekst(c) : c.cluster)
          : reeksNaam, opschrift);
      $('trend-tabel').replaceChildren(cijferTabel(trendUrl, trend, velden,
        `${naam}: trend, ${opschrift}, ${periodeNaam(trend.cells[0]?.period
          ?? t.perioden[0])} tot en met ${periodeNaam(t.perioden[
          t.perioden.length - 1])}`));
      const gemiddelde = new Map();
      if (clus && !(clus instanceof Error)) {
        for (const c of clus.cells) {
          const w = punt(c, pad);
          if (w !== null) gemiddelde.set(c.cluster, w);
        }
        $('cluster-tabel').replaceChildren(cijferTabel(clusterUrl, clus,
          velden, `${naam}: gemiddelde per cluster, ${
            periodeNaam(f.tijdvak.value)}`));
      } else {
        $('cluster-tabel').replaceChildren(el('p', {},
          'Het clustergemiddelde is er niet: geen cluster valt helemaal '
          + 'binnen uw bevoegdheid en de filters.'));
      }
      tekenVergelijking($('vergelijking'), verg, ind, pad, gemiddelde,
        f.tijdvak.value, opschrift);
      $('vergelijking-tabel').replaceChildren(cijferTabel(vergUrl, verg,
        velden, `${naam}: vergelijking per ${f.vergelijk.value === 'aanbieder'
          ? 'aanbieder' : 'gemeente'}, ${opschrift}, ${
          periodeNaam(f.tijdvak.value)}`));
      if (metDekking) {
        $('dekking-tabel').replaceChildren(dekkingTabel(dekUrl, dek,
          `Aanlevering: beëindigde producten met GAS-eindmeting, met `
          + `CEM+-respons en onder opt-out, per ${f.vergelijk.value
            === 'aanbieder' ? 'aanbieder' : 'gemeente'}, ${opschrift}, ${
            periodeNaam(f.tijdvak.value)}`));
      }
      const u = uitsplitsing(ind, verg);
      $('uitsplitsing').hidden = u.velden.length === 0;
      if (u.velden.length > 0) {
        const dl = el('dl', { class: 'uitleg' });
        for (const [k, t] of u.uitleg) dl.append(el('dt', {}, k), el('dd', {}, t));
        $('uitsplitsing-tabel').replaceChildren(cijferTabel(vergUrl, verg,
          u.velden, `${naam}: uitsplitsing per ${f.vergelijk.value ===
            'aanbieder' ? 'aanbieder' : 'gemeente'}, ${opschrift}, ${
            periodeNaam(f.tijdvak.value)}${ind === 'uitval'
            ? ' (aantallen per reden van beëindiging)'
            : ' (gemiddelde per stelling, 1 tot 5)'}`),
        u.uitleg.length ? dl : '');
      } else $('uitsplitsing-tabel').replaceChildren();
      await toonKenmerk(ind, by, filters, opschrift, mijn);
      if (mijn !== beurt) return;
      status.textContent = `Bijgewerkt: ${naam}, ${opschrift}.`;
    } catch (e) {
      if (mijn !== beurt) return;
      status.textContent = '';
      status.append(el('span', { class: 'fout' }, e instanceof ApiFout
        ? e.message : 'De cijfers konden niet worden getoond.'));
      if (!(e instanceof ApiFout)) console.warn(e);
    } finally {
      if (mijn === beurt) {
        for (const id of ['trend', 'vergelijking']) $(id).removeAttribute('aria-busy');
      }
    }
  }

  // The breakdown by a client attribute: analisten, per year, all
  // aanbieders together (docs/indicators.md 7b), for the year of the
  // comparison's period.
  async function toonKenmerk(ind, by, filters, opschrift, mijn) {
    const wat = f.uitsplitsing.value;
    $('kenmerk').hidden = !wat;
    if (!wat) {
      $('kenmerk-tabel').replaceChildren();
      return;
    }
    if (filters.aanbieder) {
      $('kenmerk-tabel').replaceChildren(el('p', {}, 'Een uitsplitsing '
        + 'naar cliëntkenmerk is er alleen voor alle aanbieders samen: '
        + 'kies "alle aanbieders".'));
      return;
    }
    const jaar = periodeMaanden(f.tijdvak.value)[0].slice(0, 4);
    const url = indicatorUrl(ind, { by: by === 'aanbieder' ? 'gemeente' : by,
      period: 'year', from: `${jaar}-01`, to: `${jaar}-12`,
      cluster: filters.cluster, gemeente: filters.gemeente,
      uitsplitsing: wat });
    downloads(url, 'dl-kenmerk-csv', 'dl-kenmerk-xlsx');
    const antw = await haal(url);
    if (mijn !== beurt) return;
    $('kenmerk-tabel').replaceChildren(cijferTabel(url, antw,
      INDICATOREN[ind].velden, `${INDICATOREN[ind].naam}: uitsplitsing naar `
      + `${wat}, ${opschrift}, ${jaar}`));
  }

  async function wijzig(ev) {
    try {
      const k = await catalogusVan(f.ind.value);
      if (ev && ev.target === f.cluster) f.gemeente.value = '';
      vulFilters(k);
      await laad();
    } catch (e) {
      status.textContent = '';
      status.append(el('span', { class: 'fout' }, e instanceof ApiFout
        ? e.message : 'De filters konden niet worden geladen.'));
      if (!(e instanceof ApiFout)) console.warn(e);
    }
  }

  $('filters').addEventListener('change', wijzig);
  $('filters').addEventListener('submit', (ev) => ev.preventDefault());
  await wijzig();
}
