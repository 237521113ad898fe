// Entry point for Node, slim build (see slim.js): instantiates the WebAssembly module
// synchronously from the package.
import { readFileSync } from 'node:fs'
import { initSync } from './wasm-slim/llm_schema_registry_wasm.js'

initSync({ module: readFileSync(new URL('./wasm-slim/llm_schema_registry_wasm_bg.wasm', import.meta.url)) })

export * from './slim.js'
