// #/aanleveren (aanbieder): a scores CSV by file picker or drag and drop,
// sent as multipart/form-data to POST /v1/scores (the server streams it
// like text/csv). Shows the receipt, or the errors as a table.
import { vraag } from './api';
import { bon, foutTabel } from './bon';
import { el } from './tabel';

const $ = (id) => document.getElementById(id);

export function toonAanleveren() {
  const invoer = $('bestand');
  const zone = $('dropzone');
  const status = $('upload-status');
  const inhoud = $('upload-inhoud');
  const knop = $('verstuur');

  function gekozen() {
    const f = invoer.files[0];
    $('gekozen').textContent = f ? `Gekozen: ${f.name}` : '';
  }
  invoer.addEventListener('change', gekozen);
  for (const t of ['dragenter', 'dragover']) {
    zone.addEventListener(t, (ev) => {
      ev.preventDefault();
      zone.classList.add('erboven');
    });
  }
  for (const t of ['dragleave', 'drop']) {
    zone.addEventListener(t, () => zone.classList.remove('erboven'));
  }
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    const bestanden = ev.dataTransfer && ev.dataTransfer.files;
    if (!bestanden || bestanden.length === 0) return;
    if (bestanden.length > 1) {
      status.textContent = 'Sleep één bestand tegelijk.';
      return;
    }
    invoer.files = bestanden;
    gekozen();
  });

  $('upload-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = invoer.files[0];
    inhoud.replaceChildren();
    if (!f) {
      status.textContent = 'Kies eerst een bestand.';
      invoer.focus();
      return;
    }
    const data = new FormData();
    data.append('bestand', f, f.name);
    knop.disabled = true;
    status.textContent = 'Het bestand wordt verstuurd en gecontroleerd…';
    try {
      const { status: s, body } = await vraag('/v1/scores', {
        method: 'POST', body: data });
      if ((s === 201 || s === 200) && body) {
        status.textContent = s === 200
          ? 'Dit bestand was al ontvangen; er is niets dubbel opgeslagen.'
          : `Het bestand is opgeslagen: ${body.rows} ${body.rows === 1 ? 'rij'
            : 'rijen'}.`;
        inhoud.append(bon(body, false));
        invoer.value = '';
        gekozen();
      } else if (s === 422 && body && Array.isArray(body.errors)) {
        const n = body.error_count ?? body.errors.length;
        status.textContent = `Het bestand is afgekeurd met ${n} ${n === 1
          ? 'fout' : 'fouten'}. Er is niets opgeslagen.`;
        inhoud.append(foutTabel('upload-fouten', body.errors, n, false));
      } else if (s === 401) {
        status.textContent = 'Uw sessie is verlopen; log opnieuw in.';
      } else {
        status.textContent = 'Het bestand is niet opgeslagen. '
          + `${(body && body.message) || `De server gaf status ${s}.`}`;
      }
    } catch (e) {
      status.textContent = e.message;
    } finally {
      knop.disabled = false;
    }
  });
}
