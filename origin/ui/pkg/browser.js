// Entry point for browsers (an ES module): fetches and instantiates the WebAssembly module
// next to this file before the exports are used (top-level await).
import init from './wasm/llm_schema_registry_wasm.js'
import * as wasm from './wasm/llm_schema_registry_wasm.js'
import { bind } from './core.js'

await init({ module_or_path: new URL('./wasm/llm_schema_registry_wasm_bg.wasm', import.meta.url) })
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
