// The full build's API: the WebAssembly core with the registry's Rust JSON Schema validator and
// Protobuf (the entry points node-full.js and browser-full.js initialise it before any call).
import * as wasm from './wasm/llm_schema_registry_wasm.js'
import { makeApi } from './core.js'

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
} = makeApi(wasm, { build: 'full' })
export { RegistryError } from './client.js'
