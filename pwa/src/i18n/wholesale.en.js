// Wholesale: English words; the same keys as wholesale.zh-CN.js.
export default {}
