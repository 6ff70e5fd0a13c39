// What the pages show of each indicator (docs/indicators.md §5–7): the
// figures of a cell as table columns, by their JSON path inside the cell.
// soort decides the text: 'aantal' an integer, 'pct' one decimal, 'gem'
// two decimals. The ones with in_grafiek can be drawn.

export const INDICATOREN = {
  doelrealisatie: {
    naam: 'Doelrealisatie',
    eenheid: 'trajecten',
    maat: 'values.doelen_behaald_pct',
    velden: [
      { pad: 'n_clients', kop: 'Cliënten', soort: 'aantal' },
      { pad: 'n', kop: 'Trajecten', soort: 'aantal' },
      { pad: 'values.gas_t_mean', kop: 'Gemiddelde T-score (GAS)',
        soort: 'gem', in_grafiek: true },
      { pad: 'values.doelen_behaald_pct', kop: 'Doelen behaald (%)',
        soort: 'pct', in_grafiek: true },
      { pad: 'values.probleemafname.1', kop: 'Probleem niet afgenomen (%)',
        soort: 'pct', in_grafiek: true },
      { pad: 'values.probleemafname.2', kop: 'Probleem deels afgenomen (%)',
        soort: 'pct', in_grafiek: true },
      { pad: 'values.probleemafname.3', kop: 'Probleem afgenomen (%)',
        soort: 'pct', in_grafiek: true },
      { pad: 'values.zonder_hulp_verder_pct', kop: 'Zonder hulp verder (%)',
        soort: 'pct', in_grafiek: true },
    ],
  },
  tevredenheid: {
    naam: 'Cliënttevredenheid',
    eenheid: 'responses',
    maat: 'values.ouder.positief_pct',
    velden: [
      { pad: 'n_clients', kop: 'Cliënten', soort: 'aantal' },
      { pad: 'n', kop: 'Responses', soort: 'aantal' },
      { pad: 'values.jeugdige.n', kop: 'Responses jeugdigen',
        soort: 'aantal' },
      { pad: 'values.jeugdige.rapportcijfer_mean',
        kop: 'Rapportcijfer jeugdigen', soort: 'gem', in_grafiek: true },
      { pad: 'values.jeugdige.positief_pct', kop: 'Positief jeugdigen (%)',
        soort: 'pct', in_grafiek: true },
      { pad: 'values.ouder.n', kop: 'Responses ouders', soort: 'aantal' },
      { pad: 'values.ouder.rapportcijfer_mean', kop: 'Rapportcijfer ouders',
        soort: 'gem', in_grafiek: true },
      { pad: 'values.ouder.positief_pct', kop: 'Positief ouders (%)',
        soort: 'pct', in_grafiek: true },
    ],
  },
  uitval: {
    naam: 'Uitval en herinstroom',
    eenheid: 'beëindigde producten',
    maat: 'values.volgens_plan_pct',
    velden: [
      { pad: 'n_clients', kop: 'Cliënten', soort: 'aantal' },
      { pad: 'n', kop: 'Beëindigde producten', soort: 'aantal' },
      { pad: 'values.volgens_plan_pct', kop: 'Volgens plan (%)',
        soort: 'pct', in_grafiek: true },
      { pad: 'values.voortijdig_pct', kop: 'Voortijdig (%)', soort: 'pct',
        in_grafiek: true },
      { pad: 'values.eenzijdig_client_pct',
        kop: 'Eenzijdig door cliënt (%)', soort: 'pct', in_grafiek: true },
      { pad: 'values.herinstroom.n', kop: 'Volgens plan, herinstroom bekend',
        soort: 'aantal' },
      { pad: 'values.herinstroom.geen_nieuwe_start_pct',
        kop: 'Geen nieuwe start (%)', soort: 'pct', in_grafiek: true },
    ],
  },
  // Coverage (docs/indicators.md §7a): of the definitively ended
  // products, how many have a GAS eind measurement, a CEM+ response, or
  // fall under opt-out. Shown beside every other indicator too.
  aanlevering: {
    naam: 'Aanlevering (dekking)',
    eenheid: 'beëindigde producten',
    maat: 'values.gas_eind_pct',
    velden: [
      { pad: 'n_clients', kop: 'Cliënten', soort: 'aantal' },
      { pad: 'n', kop: 'Beëindigde producten', soort: 'aantal' },
      { pad: 'values.gas_eind_pct', kop: 'Met GAS-eindmeting (%)',
        soort: 'pct', in_grafiek: true },
      { pad: 'values.cem_pct', kop: 'Met CEM+-respons (%)', soort: 'pct',
        in_grafiek: true },
      { pad: 'values.opt_out_pct', kop: 'Onder opt-out (%)', soort: 'pct',
        in_grafiek: true },
    ],
  },
};

// The value at a dotted path inside a cell; undefined when absent.
export function waarde(cel, pad) {
  let v = cel;
  for (const deel of pad.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[deel];
  }
  return v;
}

export function veld(indicator, pad) {
  return INDICATOREN[indicator].velden.find((v) => v.pad === pad);
}

// The detail columns of an answer, named by its labels (docs/indicators.md
// §3, "Namen naast codes"): per RedenBeeindiging for uitval, per item and
// respondent for tevredenheid. Empty for doelrealisatie. uitleg: the item
// texts, for a list under the table.
export function uitsplitsing(indicator, antwoord) {
  const labels = antwoord.labels || {};
  if (indicator === 'uitval') {
    const reden = labels.reden || {};
    const codes = Object.keys(reden).sort();
    if (!codes.includes('overig')) codes.push('overig');
    return { velden: codes.map((c) => ({ pad: `values.per_reden.${c}`,
      kop: c === 'overig' ? 'overige redenen' : `${c} ${reden[c] || ''}`.trim(),
      soort: 'aantal' })), uitleg: [] };
  }
  if (indicator === 'tevredenheid') {
    const items = labels.items || {};
    const velden = [];
    const uitleg = [];
    for (const [resp, naam] of [['jeugdige', 'jeugdigen'], ['ouder', 'ouders']]) {
      for (const [code, tekst] of Object.entries(items[resp] || {})) {
        velden.push({ pad: `values.${resp}.items.${code}`,
          kop: `${naam}: ${code.replaceAll('_', ' ')}`, soort: 'gem' });
        uitleg.push([`${naam}: ${code.replaceAll('_', ' ')}`, tekst]);
      }
    }
    return { velden, uitleg };
  }
  return { velden: [], uitleg: [] };
}
