// Entry point for browsers (an ES module), slim build (see slim.js): fetches and instantiates the
// WebAssembly module next to this file before the exports are used (top-level await).
import init from './wasm-slim/llm_schema_registry_wasm.js'

await init({ module_or_path: new URL('./wasm-slim/llm_schema_registry_wasm_bg.wasm', import.meta.url) })

export * from './slim.js'
