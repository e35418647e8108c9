// English: the workshop screens' strings (menu entries under menu.*), merged into en.js.
export default {}
