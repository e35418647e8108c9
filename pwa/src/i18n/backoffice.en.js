// English: the backoffice screens' strings (menu entries under menu.*), merged into en.js.
export default {}
