// Entry point for browsers, full build (`llm-schema-registry/full`, see full.js): fetches and
// instantiates the WebAssembly module next to this file before the exports are used
// (top-level await).
import init from './wasm/llm_schema_registry_wasm.js'

await init({ module_or_path: new URL('./wasm/llm_schema_registry_wasm_bg.wasm', import.meta.url) })

export * from './full.js'
