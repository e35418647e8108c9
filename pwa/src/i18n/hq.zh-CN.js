// The hq screens' words (zh-CN); keys mirror hq.en.js.
export default {}
