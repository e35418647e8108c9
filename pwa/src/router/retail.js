// Retail (零售): this area's routes and drawer entries (`menu.<key>` in i18n/retail.*.js).

export const routes = []

export const menu = []
