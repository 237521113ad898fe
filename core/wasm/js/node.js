// Entry point for Node: instantiates the WebAssembly module synchronously from the package.
import { readFileSync } from 'node:fs'
import { initSync } from './wasm/llm_schema_registry_wasm.js'
import * as wasm from './wasm/llm_schema_registry_wasm.js'
import { bind } from './core.js'

initSync({ module: readFileSync(new URL('./wasm/llm_schema_registry_wasm_bg.wasm', import.meta.url)) })
bind(wasm)

export {
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
} from './core.js'
export { RegistryError } from './client.js'
