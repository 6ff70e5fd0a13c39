// #/ontvangstbewijzen (aanbieder) and #/rapporten (analist, aanbieder).
import { ApiFout, haal } from './api';
import { datum, datumTijd, getal, MAANDEN } from './fmt';
import { el, lijstTabel } from './tabel';

const $ = (id) => document.getElementById(id);

const SOORT_UPLOAD = {
  scores: 'scores (GAS en probleemafname)',
  handmatig: 'scores, handmatig ingevoerd',
  questionnaires: 'vragenlijsten (cliëntervaring)',
  messages: 'berichten (iJw)',
};

function maandNaam(m) {
  const r = /^(\d{4})-(\d{2})$/.exec(m || '');
  return r ? `${MAANDEN[Number(r[2]) - 1]} ${r[1]}` : (m || '');
}

async function lijst(url, plekId, maak) {
  const status = $('lijst-status');
  status.textContent = 'De lijst wordt opgehaald…';
  try {
    const body = await haal(url);
    $(plekId).replaceChildren(maak(body));
    status.textContent = '';
  } catch (e) {
    status.textContent = '';
    status.append(el('span', { class: 'fout' }, e instanceof ApiFout
      ? e.message : 'De lijst kon niet worden getoond.'));
  }
}

export function toonOntvangstbewijzen() {
  return lijst('/v1/uploads', 'bonnen-plek', (b) => lijstTabel('bonnen',
    'Uw ontvangstbewijzen', [
      { kop: 'Nummer', tekst: (u) => el('code', {}, u.upload_id) },
      { kop: 'Soort', tekst: (u) => SOORT_UPLOAD[u.kind] || u.kind || '' },
      { kop: 'Rijen', getal: true, tekst: (u) => String(u.rows ?? '') },
      { kop: 'Ontvangen', tekst: (u) => datumTijd(u.received_at) },
    ], b.uploads || [], 'U hebt nog niets aangeleverd.'));
}

export function toonRapporten() {
  return lijst('/v1/reports', 'rapporten-plek', (b) => lijstTabel('rapporten',
    'Maandrapporten', [
      { kop: 'Maand', tekst: (r) => maandNaam(r.month) },
      { kop: 'Soort', tekst: (r) => (r.soort === 'clustergemiddelde'
        ? 'clustergemiddelde' : 'aanbieder') },
      { kop: 'Aanbieder', tekst: (r) => r.aanbieder || '' },
      { kop: 'Cluster', tekst: (r) => r.cluster || '' },
      { kop: 'Grootte (kB)', getal: true,
        tekst: (r) => getal((r.bytes || 0) / 1024, 0) },
      { kop: 'Gemaakt', tekst: (r) => datum(r.created) },
      { kop: 'Downloaden', tekst: (r) => el('a', {
        href: `/v1/reports/${encodeURIComponent(r.id)}`, download: true },
      'PDF', el('span', { class: 'vh' }, ` ${maandNaam(r.month)} ${
        r.soort === 'clustergemiddelde' ? 'clustergemiddelde' : r.aanbieder
        || ''} ${r.cluster || ''}`)) },
    ], b.reports || [], 'Er zijn (nog) geen rapporten voor u.'));
}
