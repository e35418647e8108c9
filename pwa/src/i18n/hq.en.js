// The hq screens' words (en); keys mirror hq.zh-CN.js.
export default {}
