// Dates and times shown in the user's language and the device's time zone.
export function formatDateTime(value, locale) {
  if (!value) return '—'
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime())) return String(value)
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(d)
}

export function formatTime(value, locale) {
  if (!value) return '—'
  const d = value instanceof Date ? value : new Date(value)
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(d)
}
