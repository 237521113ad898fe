// Entry point for Node, full build (`llm-schema-registry/full`, see full.js): instantiates the
// WebAssembly module synchronously from the package.
import { readFileSync } from 'node:fs'
import { initSync } from './wasm/llm_schema_registry_wasm.js'

initSync({ module: readFileSync(new URL('./wasm/llm_schema_registry_wasm_bg.wasm', import.meta.url)) })

export * from './full.js'
