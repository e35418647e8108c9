// A report's cell as the reader reads it: money with ¥ and two places, quantities without trailing
// zeros, a datetime on the business's clock as the server wrote it, a percentage with %.
import { formatMoney, formatQuantity } from '../../format.js'

export function showCell(value, type, locale) {
  if (value === null || value === undefined || value === '') return ''
  if (type === 'money') return formatMoney(value, locale)
  if (type === 'number') return formatQuantity(value, locale)
  if (type === 'percent') return `${value}%`
  if (type === 'datetime') return String(value).replace('T', ' ').slice(0, 16)
  if (value === true || value === false) return String(value)
  return String(value)
}

export const numeric = (column) => column.role === 'measure' || ['number', 'money', 'percent'].includes(column.type)
