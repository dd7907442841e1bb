// `url` for the web bundles: the WHATWG URL every browser has.
export const URL = globalThis.URL;
export default { URL };
