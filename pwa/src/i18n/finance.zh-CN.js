// The finance screens' words (zh-CN); keys mirror finance.en.js.
export default {}
