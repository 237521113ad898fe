// Entry point for Node, slim build: instantiates the WebAssembly module without the Rust JSON
// Schema validator and Protobuf synchronously from the package. JSON Schema runs as generated
// JavaScript; schemas are checked with the generated meta-schema validators.
import { readFileSync } from 'node:fs'
import { initSync } from './wasm-slim/llm_schema_registry_wasm.js'
import * as wasm from './wasm-slim/llm_schema_registry_wasm.js'
import { makeApi } from './core.js'
import { checkSchema } from './schema-check.js'

initSync({ module: readFileSync(new URL('./wasm-slim/llm_schema_registry_wasm_bg.wasm', import.meta.url)) })
const api = makeApi(wasm, { build: 'slim', checkSchema })

export const {
  Validator,
  ModuleValidator,
  loadValidator,
  importSource,
  generateModule,
  checkCompatibility,
  fingerprint,
  RegistryClient,
  lint,
  transform,
  exportFor,
  profiles,
  parseModelOutput,
  StreamValidator,
  build,
} = api
export { RegistryError } from './client.js'
