// The frontdesk screens' words (en); keys mirror frontdesk.zh-CN.js.
export default {}
