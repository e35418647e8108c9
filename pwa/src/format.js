// Dates, times, quantities and money shown in the user's language (dates in the device's time zone).
const FORMATS = {
  dateTime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
}

// Making a formatter costs far more than using one (a list formats hundreds of values).
const formatters = new Map()
function formatter(locale, name, make) {
  const key = `${locale}|${name}`
  if (!formatters.has(key)) formatters.set(key, make())
  return formatters.get(key)
}
const dateFormat = (locale, name) => formatter(locale, name, () => new Intl.DateTimeFormat(locale, FORMATS[name]))

export function formatDateTime(value, locale) {
  if (!value) return '—'
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  return dateFormat(locale, 'dateTime').format(d)
}

export function formatTime(value, locale) {
  if (!value) return '—'
  const d = value instanceof Date ? value : new Date(value)
  return dateFormat(locale, 'time').format(d)
}

/** '12.000' → '12', '1.500' → '1.5' (the API sends decimals as strings). */
export function formatQuantity(value, locale) {
  const n = Number(value)
  if (value === null || value === undefined || Number.isNaN(n)) return '—'
  return formatter(locale, 'quantity', () => new Intl.NumberFormat(locale, { maximumFractionDigits: 3 })).format(n)
}

/** '1234.5' → '¥1,234.50'. */
export function formatMoney(value, locale) {
  const n = Number(value)
  if (value === null || value === undefined || Number.isNaN(n)) return '—'
  return formatter(locale, 'money', () => new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2, maximumFractionDigits: 2 })).format(n)
}
