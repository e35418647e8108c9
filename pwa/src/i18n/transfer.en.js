// Transfers: English words; the same keys as transfer.zh-CN.js.
export default {}
