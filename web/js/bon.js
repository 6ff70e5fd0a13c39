// A receipt (#bon) and an error table, shared by the upload page and
// manual entry. Nothing here shows a value from the file or the form:
// only line, column, field name, code and the server's Dutch message
// (which never names a value either).
import { datumTijd, kolomLetter } from './fmt';
import { el, schuifvak } from './tabel';

export function bon(b, handmatig) {
  const rijen = [
    ['Nummer', b.upload_id],
    [handmatig ? 'Metingen' : 'Rijen', String(b.rows ?? '')],
    ['Ontvangen', datumTijd(b.received_at)],
  ];
  if (b.sha256) rijen.push(['Controlesom (SHA-256)', b.sha256]);
  const dl = el('dl', {});
  for (const [k, v] of rijen) dl.append(el('dt', {}, k), el('dd', {}, v));
  return el('section', { id: 'bon', class: 'bon', 'aria-labelledby': 'bon-kop' },
    el('h3', { id: 'bon-kop' }, 'Ontvangstbewijs'),
    b.duplicate ? el('p', {}, 'Dit bestand hebt u al eerder gestuurd: dit is '
      + 'het oorspronkelijke ontvangstbewijs. Er is niets dubbel opgeslagen.')
      : el('p', {}, 'Opgeslagen. Bewaar het nummer bij uw administratie.'),
    dl);
}

// The 422 errors of an upload: regel, kolom (Excel letter), code, melding.
export function foutTabel(id, fouten, aantal, metVeld) {
  const capId = `${id}-titel`;
  const kop = el('tr', {});
  const koppen = metVeld ? ['Veld', 'Code', 'Melding']
    : ['Regel', 'Kolom', 'Code', 'Melding'];
  for (const k of koppen) kop.append(el('th', { scope: 'col' }, k));
  const body = el('tbody', {});
  for (const f of fouten) {
    const tr = el('tr', {});
    if (metVeld) {
      tr.append(el('th', { scope: 'row' }, f.veld || '–'));
    } else {
      tr.append(el('th', { scope: 'row' }, f.line ? String(f.line) : ''),
        el('td', {}, f.column ? kolomLetter(f.column) : ''));
    }
    tr.append(el('td', {}, el('code', {}, f.code || '')),
      el('td', {}, f.message || ''));
    body.append(tr);
  }
  const titel = aantal > fouten.length
    ? `Fouten (de eerste ${fouten.length} van ${aantal})` : `Fouten (${aantal})`;
  return schuifvak(el('table', { id, class: 'lijst fouten' },
    el('caption', { id: capId }, titel), el('thead', {}, kop), body), capId);
}
