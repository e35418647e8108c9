// 调拨的文字（zh-CN）；键与 transfer.en.js 相同。
export default {}
