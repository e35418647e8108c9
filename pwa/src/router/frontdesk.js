// The frontdesk screens: routes (children of the main layout) and menu entries (`menu.<key>` in
// i18n/frontdesk.*.js). Wired into router/index.js and router/menu.js.
export const routes = []

export const menu = []
