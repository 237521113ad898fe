// Entry point for browsers, full build (`llm-schema-registry/full`): fetches and instantiates
// the WebAssembly core with the registry's Rust JSON Schema validator and Protobuf, next to this
// file, before the exports are used (top-level await).
import init from './wasm/llm_schema_registry_wasm.js'
import * as wasm from './wasm/llm_schema_registry_wasm.js'
import { makeApi } from './core.js'

await init({ module_or_path: new URL('./wasm/llm_schema_registry_wasm_bg.wasm', import.meta.url) })
const api = makeApi(wasm, { build: 'full' })

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
