// The workshop screens: their routes (children of the main layout) and menu entries
// (section 'workshop'; `menu.<key>` and `menu.desc.<key>` in i18n/workshop.*.js).
export const routes = []
export const menu = []
