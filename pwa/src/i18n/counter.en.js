// The counter screens' words (en); keys mirror counter.zh-CN.js.
export default {}
