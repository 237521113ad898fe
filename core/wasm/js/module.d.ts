// The wasm-free entry point: a registry's generated validator modules, loaded without eval.
export { ModuleValidator, loadValidator, importSource } from './index.js'
