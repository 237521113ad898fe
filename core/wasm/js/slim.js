// The slim build's API: the WebAssembly module without the Rust JSON Schema validator and
// Protobuf (the entry points node.js and browser.js initialise it before any call). JSON Schema
// runs as generated JavaScript; schemas are checked with the generated meta-schema validators.
import * as wasm from './wasm-slim/llm_schema_registry_wasm.js'
import { makeApi } from './core.js'
import { checkSchema } from './schema-check.js'

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
} = makeApi(wasm, { build: 'slim', checkSchema })
export { RegistryError } from './client.js'
