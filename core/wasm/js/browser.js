// Entry point for browsers (an ES module), slim build: fetches and instantiates the WebAssembly
// module without the Rust JSON Schema validator and Protobuf, next to this file, before the
// exports are used (top-level await). JSON Schema runs as generated JavaScript; schemas are
// checked with the generated meta-schema validators.
import init from './wasm-slim/llm_schema_registry_wasm.js'
import * as wasm from './wasm-slim/llm_schema_registry_wasm.js'
import { makeApi } from './core.js'
import { checkSchema } from './schema-check.js'

await init({ module_or_path: new URL('./wasm-slim/llm_schema_registry_wasm_bg.wasm', import.meta.url) })
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
