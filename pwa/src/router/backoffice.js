// The backoffice screens: their routes (children of the main layout) and menu entries
// (section 'backOffice'; `menu.<key>` and `menu.desc.<key>` in i18n/backoffice.*.js).
export const routes = []
export const menu = []
