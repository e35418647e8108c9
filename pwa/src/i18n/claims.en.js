// Labour-fee claims: English words; the same keys as claims.zh-CN.js.
export default {
  permission: {
    claims_view: 'See labour-fee claims and their lines',
    claims_manage: 'Build labour-fee claims, change draft lines, set the manufacturers\' export layouts',
    claims_submit: 'Submit a labour-fee claim to the manufacturer (the parts claimed go onto its receivable)',
    claims_answer: 'Enter the manufacturer\'s answer to a claim (line by line or from Excel)',
    claims_settle: 'Settle an answered claim, recording the manufacturer\'s payment',
  },
  menu: {
    claimAnswer: 'Import a claim answer',
    desc: { claimAnswer: 'Import the manufacturer\'s Excel answer, or enter accepted, cut, rejected line by line' },
  },
  claims: {
    answer: {
      title: 'Manufacturer\'s answer', subtitle: 'Import the manufacturer\'s Excel (matched by line id or IMEI + order number), or answer line by line',
      claim: 'Claim', pick: 'Pick a submitted claim', file: 'Answer file (.xlsx)', upload: 'Import', export: 'Export the claim (Excel)',
      imported: 'Imported: {n} lines answered', bad: 'The file has errors; nothing was changed:', row: 'Row {row} {col}: {msg}',
      accepted: 'Accepted', cut: 'Cut', rejected: 'Rejected', amount: 'Accepted amount', reason: 'Reason', print: 'Print the claim', save: 'Save the line',
      none: 'No claim is waiting for an answer', answered: '{n}/{total} lines answered',
      col: { order_number: 'Repair order', imei: 'IMEI', model_name: 'Model', amount: 'Claimed', result: 'Answer' },
    },
  },
}
