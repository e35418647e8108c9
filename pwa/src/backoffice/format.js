// Numbers of the back office: quantities and money (the API sends decimals as strings).

/** '12.000' → '12', '1.500' → '1.5'. */
export function formatQuantity(value, locale) {
  const n = Number(value)
  if (value === null || value === undefined || Number.isNaN(n)) return '—'
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(n)
}

/** '1234.5' → '¥1,234.50'. */
export function formatMoney(value, locale) {
  const n = Number(value)
  if (value === null || value === undefined || Number.isNaN(n)) return '—'
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)
}
