// Wholesale (批发): this area's routes and drawer entries (`menu.<key>` in i18n/wholesale.*.js).

export const routes = []

export const menu = []
