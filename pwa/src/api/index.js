// The app's API client and its endpoints. Components use these functions (or the
// stores), never fetch() directly.
import { createApiClient } from './client.js'
import { createTokenBox } from './tokens.js'

export const tokens = createTokenBox()
export const api = createApiClient({ tokens })

export const authApi = {
  login: (username, password) => api.post('/api/auth/login', { username, password }, { auth: false }),
  logout: (refreshToken) => api.post('/api/auth/logout', { refresh_token: refreshToken }),
  me: () => api.get('/api/auth/me'),
  switchUser: (userId) => api.post('/api/auth/switch-user', { user_id: userId }),
  leaveSwitch: (refreshToken) => api.post('/api/auth/switch-user/leave', refreshToken ? { refresh_token: refreshToken } : {}),
  loginRecords: (query) => api.get('/api/auth/login-records', query),
}

export const metaApi = {
  permissions: () => api.get('/api/meta/permissions'),
  lifecycle: () => api.get('/api/meta/lifecycle'),
  version: () => api.get('/api/meta/version', undefined, { auth: false }),
}

export const directoryApi = {
  users: (query) => api.get('/api/users', query),
  organisations: (query) => api.get('/api/organisations', query),
  organisation: (id) => api.get(`/api/organisations/${id}`),
}

export { ApiError } from './errors.js'
