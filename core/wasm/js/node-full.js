// Entry point for Node, full build (`llm-schema-registry/full`): the WebAssembly core with the
// registry's Rust JSON Schema validator and Protobuf, instantiated synchronously.
import { readFileSync } from 'node:fs'
import { initSync } from './wasm/llm_schema_registry_wasm.js'
import * as wasm from './wasm/llm_schema_registry_wasm.js'
import { makeApi } from './core.js'

initSync({ module: readFileSync(new URL('./wasm/llm_schema_registry_wasm_bg.wasm', import.meta.url)) })
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
