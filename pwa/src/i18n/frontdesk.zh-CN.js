// The frontdesk screens' words (zh-CN); keys mirror frontdesk.en.js.
export default {}
