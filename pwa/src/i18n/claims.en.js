// Labour-fee claims: English words; the same keys as claims.zh-CN.js.
export default {}
