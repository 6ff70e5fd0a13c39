// Dutch (nl-NL) text for numbers, dates, periods and Excel columns.
// Numbers: decimal comma, no thousands grouping (so a figure can be
// copied into Excel or a memo as it is), a fixed number of decimals.

const formatters = new Map();

function formatter(dec) {
  if (!formatters.has(dec)) {
    formatters.set(dec, new Intl.NumberFormat('nl-NL', {
      useGrouping: false, minimumFractionDigits: dec,
      maximumFractionDigits: dec,
    }));
  }
  return formatters.get(dec);
}

// A number with dec decimals: getal(83.2, 1) is "83,2".
export function getal(v, dec) {
  return formatter(dec).format(v);
}

export const MAANDEN = ['januari', 'februari', 'maart', 'april', 'mei',
  'juni', 'juli', 'augustus', 'september', 'oktober', 'november',
  'december'];
const MAANDEN_KORT = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul',
  'aug', 'sep', 'okt', 'nov', 'dec'];

function twee(n) { return String(n).padStart(2, '0'); }

// An ISO 8601 date or timestamp as dd-mm-jjjj (local time for a
// timestamp, so a receipt shows the hour the person knows).
export function datum(iso) {
  if (typeof iso !== 'string') return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [j, m, d] = iso.split('-');
    return `${d}-${m}-${j}`;
  }
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return `${twee(t.getDate())}-${twee(t.getMonth() + 1)}-${t.getFullYear()}`;
}

// dd-mm-jjjj uu:mm
export function datumTijd(iso) {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return typeof iso === 'string' ? iso : '';
  return `${datum(iso)} ${twee(t.getHours())}:${twee(t.getMinutes())}`;
}

// Excel's column letters: 1 is A, 26 is Z, 27 is AA, 703 is AAA.
export function kolomLetter(n) {
  let s = '';
  let k = Math.floor(n);
  if (!(k >= 1)) return '';
  while (k > 0) {
    const r = (k - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    k = Math.floor((k - 1) / 26);
  }
  return s;
}

// Periods as the API names them: "2026-03", "2026-Q1", "2026".
export function periodeNaam(p) {
  let m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return `${MAANDEN[Number(m[2]) - 1]} ${m[1]}`;
  m = /^(\d{4})-Q([1-4])$/.exec(p);
  if (m) return `${m[2]}e kwartaal ${m[1]}`;
  return p;
}

export function periodeKort(p) {
  let m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return `${MAANDEN_KORT[Number(m[2]) - 1]} ${m[1]}`;
  m = /^(\d{4})-Q([1-4])$/.exec(p);
  if (m) return `K${m[2]} ${m[1]}`;
  return p;
}

// The first day of a period, as a UTC date (the x of a trend chart).
export function periodeDatum(p) {
  let m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  m = /^(\d{4})-Q([1-4])$/.exec(p);
  if (m) return new Date(Date.UTC(Number(m[1]), (Number(m[2]) - 1) * 3, 1));
  return new Date(Date.UTC(Number(p), 0, 1));
}

// The first and last month (JJJJ-MM) of a period, for from= and to=.
export function periodeMaanden(p) {
  let m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return [p, p];
  m = /^(\d{4})-Q([1-4])$/.exec(p);
  if (m) {
    const q = Number(m[2]);
    return [`${m[1]}-${twee(q * 3 - 2)}`, `${m[1]}-${twee(q * 3)}`];
  }
  return [`${p}-01`, `${p}-12`];
}

function maandIndex(d) { return d.getFullYear() * 12 + d.getMonth(); }
function maandNaam(i) { return `${Math.floor(i / 12)}-${twee(i % 12 + 1)}`; }

function periodeVan(i, soort) {
  const j = Math.floor(i / 12);
  if (soort === 'month') return maandNaam(i);
  if (soort === 'quarter') return `${j}-Q${Math.floor((i % 12) / 3) + 1}`;
  return String(j);
}

// The last two years up to today, in whole periods of this kind:
// {from, to, perioden (oldest first)}. 24 months, 8 quarters, or this
// year and the one before.
export function laatsteTweeJaar(soort, nu = new Date()) {
  const eind = maandIndex(nu);
  let begin;
  if (soort === 'month') begin = eind - 23;
  else if (soort === 'quarter') begin = eind - (eind % 3) - 21;
  else begin = (Math.floor(eind / 12) - 1) * 12;
  const perioden = [];
  for (let i = begin; i <= eind; i++) {
    const p = periodeVan(i, soort);
    if (perioden[perioden.length - 1] !== p) perioden.push(p);
  }
  return { from: maandNaam(begin), to: maandNaam(eind), perioden };
}
