// Dates and times shown in the user's language and the device's time zone.
const DATE_TIME = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }
const TIME = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }

// Making a formatter costs far more than using one (a list formats hundreds of dates).
const formatters = new Map()
function formatter(locale, options) {
  const key = `${locale}|${options === TIME ? 't' : 'dt'}`
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(locale, options))
  return formatters.get(key)
}

export function formatDateTime(value, locale) {
  if (!value) return '—'
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  return formatter(locale, DATE_TIME).format(d)
}

export function formatTime(value, locale) {
  if (!value) return '—'
  const d = value instanceof Date ? value : new Date(value)
  return formatter(locale, TIME).format(d)
}
