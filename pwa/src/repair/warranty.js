// The warranty verdict a tablet can give offline, for the intake screen only: warranty cards are
// personal data and not on devices, so without the network the stated purchase date and the
// model's warranty period decide (server/basedata/queries.py check_warranty, the no-card branch).
// The server computes the verdict again at posting; online the intake asks it (/api/lookup/warranty).

/** day + months, clamped to the month's last day (as the server's add_months). */
export function addMonths(iso, months) {
  const [y, m, d] = iso.split('-').map(Number)
  const total = m - 1 + months
  const year = y + Math.floor(total / 12)
  const month = (total % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/** {rule, saleDate, expiresOn} from the model and a stated purchase date. */
export function localWarranty({ model, purchaseDate, today }) {
  if (!purchaseDate) return { rule: 'pending_inspection', saleDate: null, expiresOn: null }
  const expiresOn = addMonths(purchaseDate, model?.warranty_months ?? 12)
  return { rule: today <= expiresOn ? 'pending_inspection' : 'out_of_warranty', saleDate: purchaseDate, expiresOn }
}
