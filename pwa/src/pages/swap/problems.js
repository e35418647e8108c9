// The words for what stops a swap form from being saved (swap/events.js codes), in the reader's language.
import { useI18n } from 'vue-i18n'

export function useSwapProblem() {
  const { t, te } = useI18n()
  return (code, values = {}) => (!code ? '' : te(`swap.problem.${code}`) ? t(`swap.problem.${code}`, values) : code)
}
