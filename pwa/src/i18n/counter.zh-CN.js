// The counter screens' words (zh-CN); keys mirror counter.en.js.
export default {}
