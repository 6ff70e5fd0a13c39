// Reads an .xlsx back with unzip(1) and its XML: the sheet names and every
// cell of one sheet as {ref, type, value}, type 'text', 'number', 'bool' or
// 'empty'. Only what the suite needs to compare figures and cell types; an
// .xlsx is a zip of SpreadsheetML parts (ECMA-376 part 1, 18.3).
import { execFileSync } from 'node:child_process';

function part(file, name) {
  try {
    return execFileSync('unzip', ['-p', file, name], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return null;
  }
}

function unxml(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

// The text of a rich or plain string item: every <t> joined.
function itemText(xml) {
  const out = [];
  for (const m of xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g)) out.push(unxml(m[1] || ''));
  return out.join('');
}

function colIndex(ref) {
  const letters = /^[A-Z]+/.exec(ref)[0];
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function readXlsx(file) {
  const wb = part(file, 'xl/workbook.xml');
  if (wb === null) throw new Error(`${file}: no xl/workbook.xml (not an xlsx)`);
  const sheets = [...wb.matchAll(/<sheet\b[^>]*\bname="([^"]*)"[^>]*\br:id="([^"]*)"/g)]
    .map((m) => ({ name: unxml(m[1]), rid: m[2] }));
  const rels = part(file, 'xl/_rels/workbook.xml.rels') || '';
  const target = {};
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[0]);
    const t = /\bTarget="([^"]*)"/.exec(m[0]);
    if (id && t) target[id[1]] = t[1].replace(/^\/?xl\//, '').replace(/^\//, '');
  }
  const sstXml = part(file, 'xl/sharedStrings.xml');
  const sst = sstXml ? [...sstXml.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => itemText(m[1])) : [];

  function sheet(name) {
    const sh = sheets.find((x) => x.name === name);
    if (!sh) return null;
    const xml = part(file, `xl/${target[sh.rid] || ''}`);
    if (xml === null) throw new Error(`${file}: sheet ${name} has no part`);
    const rows = [];
    for (const rm of xml.matchAll(/<row\b[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g)) {
      const rn = /\br="(\d+)"/.exec(rm[0]);
      const r = rn ? Number(rn[1]) - 1 : rows.length;
      const cells = [];
      for (const cm of (rm[1] || '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attrs = cm[1];
        const ref = /\br="([A-Z]+\d+)"/.exec(attrs)[1];
        const t = (/\bt="([^"]*)"/.exec(attrs) || [])[1] || 'n';
        const body = cm[2] || '';
        const v = /<v>([\s\S]*?)<\/v>/.exec(body);
        let cell;
        if (t === 's') cell = { type: 'text', value: sst[Number(v[1])] };
        else if (t === 'inlineStr') cell = { type: 'text', value: itemText(body) };
        else if (t === 'str') cell = { type: 'text', value: v ? unxml(v[1]) : '' };
        else if (t === 'b') cell = { type: 'bool', value: v && v[1] === '1' };
        else if (t === 'e') cell = { type: 'error', value: v ? v[1] : '' };
        else cell = v ? { type: 'number', value: Number(v[1]) } : { type: 'empty', value: null };
        cell.ref = ref;
        cells[colIndex(ref)] = cell;
      }
      rows[r] = cells;
    }
    return rows;
  }
  return { sheets: sheets.map((x) => x.name), sheet };
}
