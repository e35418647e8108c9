// The finance screens' words (en); keys mirror finance.zh-CN.js.
export default {}
