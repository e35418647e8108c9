// 劳务费申报的文字（zh-CN）；键与 claims.en.js 相同。
export default {}
