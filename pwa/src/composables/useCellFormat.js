// A field's value as a workspace cell shows it, in the current language (references named by the store).
import { useI18n } from 'vue-i18n'
import { formatDateTime, formatMoney, formatQuantity } from '../format.js'
import { useWorkspaceStore } from '../stores/workspace.js'
import { formatCell } from '../workspace/meta.js'

export function useCellFormat() {
  const { t, locale } = useI18n()
  const store = useWorkspaceStore()
  const fmt = () => ({
    date: (v) => v,
    dateTime: (v) => formatDateTime(v, locale.value),
    quantity: (v) => formatQuantity(v, locale.value),
    money: (v) => formatMoney(v, locale.value),
    ref: (lookup, id) => store.refName(lookup, id),
    yes: t('workspace.yes'),
    no: t('workspace.no'),
  })
  return { cell: (field, value) => formatCell(field, value, locale.value, fmt()) }
}
