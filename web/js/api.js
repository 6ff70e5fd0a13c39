// Talking to the daemon. The session cookie is HttpOnly: this code never
// sees it. It keeps only the CSRF token, in memory, from /v1/session, and
// sends it on every state-changing request.

let csrf = null;
let bijVerlopen = () => {};

export function zetCsrf(t) { csrf = t || null; }
export function csrfKop() { return csrf ? { 'X-CSRF-Token': csrf } : {}; }

// Called when the server answers 401: the session ended (logout elsewhere,
// idle or absolute timeout, revoked party).
export function opVerlopen(f) { bijVerlopen = f; }

// Dutch words for the API's error codes, when its own message is English
// or too technical for a person.
const FOUTEN = {
  out_of_scope: 'Deze cijfers vallen buiten uw bevoegdheid.',
  forbidden: 'U hebt geen toegang tot deze gegevens.',
  indicators_unavailable:
    'De cijfers kunnen nu niet worden gelezen; probeer het later opnieuw.',
  audit_unavailable: 'De vraag kon niet worden vastgelegd en wordt daarom '
    + 'niet beantwoord; probeer het later opnieuw.',
  unavailable: 'De dienst is tijdelijk niet beschikbaar; probeer het later '
    + 'opnieuw.',
};

export class ApiFout extends Error {
  constructor(status, body) {
    const code = body && typeof body.error === 'string' ? body.error : '';
    super(FOUTEN[code] || (body && body.message) ||
      `De server gaf een fout (status ${status}).`);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

async function lees(r) {
  const type = r.headers.get('Content-Type') || '';
  if (!type.startsWith('application/json')) return null;
  try { return await r.json(); } catch { return null; }
}

/*
 * A request; answers {status, body} with the JSON body (or null). A 401
 * calls the expiry handler unless stil is set (the login itself).
 */
export async function vraag(url, opties = {}, stil = false) {
  const methode = opties.method || 'GET';
  const headers = { ...(opties.headers || {}) };
  if (methode !== 'GET') Object.assign(headers, csrfKop());
  let r;
  try {
    r = await fetch(url, { ...opties, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiFout(0, { message:
      'De server is niet bereikbaar. Controleer de verbinding.' });
  }
  const body = await lees(r);
  if (r.status === 401 && !stil) bijVerlopen();
  return { status: r.status, body };
}

// GET a JSON answer; throws ApiFout unless 200.
export async function haal(url) {
  const { status, body } = await vraag(url);
  if (status !== 200) throw new ApiFout(status, body);
  return body;
}
