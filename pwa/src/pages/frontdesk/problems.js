// The words for what stops a desk form from being saved (repair/desk.js codes), in the reader's
// language: `frontdesk.problem.<code>`, with the field's own wording where a code needs it.
import { useI18n } from 'vue-i18n'

export function useProblemText() {
  const { t, te } = useI18n()
  return (field, code) => {
    if (!code) return ''
    if (te(`frontdesk.problem.${field}.${code}`)) return t(`frontdesk.problem.${field}.${code}`)
    return te(`frontdesk.problem.${code}`) ? t(`frontdesk.problem.${code}`) : code
  }
}
