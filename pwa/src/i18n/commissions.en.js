// Technician commissions and several payers per job (issue 19 §7, §8): English words; the same keys as commissions.zh-CN.js.
export default {
  permission: {
    commissions_view: 'See technician commissions: the rules and each engineer\'s monthly statement',
    commissions_manage: 'Set the commission rules (per item, category, engineer grade and repair level)',
  },
  menu: {
    commissions: 'Engineer commissions',
    commissionRules: 'Commission rules',
    desc: {
      commissions: 'Each engineer\'s commission per month: earned when a job is settled, taken back by refunds; printable statement',
      commissionRules: 'Commission rules: item > category > engineer grade, optionally per repair level',
    },
  },
  commissions: {
    subtitle: 'Completed, settled repairs earn by the rules; refunds take back their share',
    month: 'Month', previous: 'Previous month', next: 'Next month', rules: 'Commission rules',
    none: 'No commission this month', noLines: 'No commission lines this month',
    engineer: 'Engineer', gradeLabel: 'Grade', grade: 'Grade {grade}',
    earned: 'Earned', reversed: 'Taken back', total: 'Commission due',
    period: '{month} · {jobs} jobs', print: 'Print statement',
    col: { date: 'Date', order: 'Repair order', document: 'Document', line: 'Line', rule: 'Rule', scope: 'By', base: 'Base', rate: 'Rate', fixed: 'Fixed', amount: 'Commission' },
    kind: { part: 'Part', labour: 'Labour', refund: 'Refund' },
    scope: { item: 'Item', category: 'Category', grade: 'Engineer grade' },
  },
  repair: {
    bill: { customer_share: 'Customer pays' },
    payers: {
      title: 'Payers and margin',
      payer: { customer: 'Customer', manufacturer: 'Manufacturer', insurer: 'Insurer', goodwill: 'Goodwill (ours)' },
      payerCol: 'Payer', share: 'Share', labourFee: 'In-warranty labour fee', partsClaimed: 'In-warranty parts (claimed)', total: 'Total', open: 'Open',
      planned: 'Planned split (settled at pickup)', single: 'The customer pays the whole bill',
      revenue: 'Revenue (all payers)', goodwill: 'Goodwill', partsCost: 'Parts at cost', commission: 'Engineer\'s commission', estimated: '(estimated)', margin: 'Margin',
      edit: 'Split the bill', dialogTitle: 'Split the bill between payers', billTotal: 'Bill ¥{total}', sum: 'Split so far ¥{sum}', add: 'Add a payer',
      party: 'Party', amount: 'Amount', note: 'Note', save: 'Save the split', clear: 'Clear the split', saved: 'Split saved', remove: 'Remove',
    },
  },
}
