// Labour-fee claims' REST calls (server/claims/api.py), online. The claim itself (list, detail, build,
// submit, settle, trail, print) is the workspace's (server/meta/family_claims.py); these serve the
// answer page: the manufacturer's answer line by line, its Excel import and the claim's export.
import { api } from '../../api/index.js'
import { backofficeApi, saveBlob } from '../../api/backoffice.js'
import { workspaceApi } from '../../api/workspace.js'

const enc = encodeURIComponent

export const claimsApi = {
  waiting: () => api.get('/api/claims', { stage: 'submitted', page_size: 100 }),
  claim: (id) => api.get(`/api/claims/${enc(id)}`),
  answer: (id, answers) => api.post(`/api/claims/${enc(id)}/answers`, { answers }),
  importAnswer: (id, file) => backofficeApi.importFile(`/api/claims/${enc(id)}/answer-file`, file),
  async exportClaim(id, number) {
    const { blob } = await backofficeApi.file(`/api/claims/${enc(id)}/export`)
    saveBlob(blob, `${number || 'labour-claim'}.xlsx`)
  },
}

/** The claim (A4) as PDF in the reader's language, opened in a new tab. */
export async function printClaim(id, locale) {
  const { blob } = await workspaceApi.file(`/api/print/labour-claim/${enc(id)}`, { format: 'pdf', paper: 'a4', lang: locale === 'en' ? 'en' : 'zh' })
  const url = URL.createObjectURL(blob)
  window.open(url, '_blank')
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

export { badRows } from './claims.js'
