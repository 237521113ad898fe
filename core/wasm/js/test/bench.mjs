// Validations per second of the package (its generated-JavaScript engine, its WebAssembly engine,
// and a registry's validator.mjs module) against ajv (compiled) and @cfworker/json-schema on an
// LLM tool-call schema, valid and invalid instances, from JS values and from JSON text; compiles
// and compile + first validation; the ratios; and the package's size. One Node process; prints
// Markdown tables.
//
//   node core/wasm/js/test/bench.mjs [--seconds 1]      (after scripts/build-npm.sh and npm ci here)
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import Ajv from 'ajv'
import { Validator as CfValidator } from '@cfworker/json-schema'
import { ModuleValidator, Validator, generateModule, importSource } from 'llm-schema-registry/full'
import { TOOL_CALL, VALID, INVALID } from './fixtures.mjs'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 1

const VALID_TEXT = JSON.stringify(VALID)
const INVALID_TEXT = JSON.stringify(INVALID)

function rate(fn) {
  return rates({ fn }).fn
}

// Operations per second of each function, measured in alternating slices (five rounds, the
// median of each) so that the machine's drift hits every library alike.
function rates(fns) {
  const names = Object.keys(fns)
  for (const n of names) for (let i = 0; i < 2000; i++) fns[n]()
  const rounds = 5
  const slice = (seconds * 1000) / rounds
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      let ops = 0
      const start = performance.now()
      let now = start
      while (now - start < slice) {
        for (let i = 0; i < 100; i++) fns[n]()
        ops += 100
        now = performance.now()
      }
      samples[n].push((ops * 1000) / (now - start))
    }
  }
  return Object.fromEntries(names.map((n) => [n, samples[n].sort((a, b) => a - b)[Math.floor(rounds / 2)]]))
}

const ours = new Validator(TOOL_CALL)
const oursWasm = new Validator(TOOL_CALL, { engine: 'wasm' })
const moduleSource = generateModule(TOOL_CALL)
const served = new ModuleValidator(await importSource(moduleSource))
if (ours.engine !== 'js') throw new Error(`the tool-call schema runs on ${ours.engine}`)
const ajvFast = new Ajv({ validateFormats: false, strict: false }).compile(TOOL_CALL)
const ajvAll = new Ajv({ validateFormats: false, strict: false, allErrors: true }).compile(TOOL_CALL)
const cf = new CfValidator(TOOL_CALL, '7', true)
const cfAll = new CfValidator(TOOL_CALL, '7', false)

// Sanity: every validator agrees on both instances before anything is timed.
for (const [name, ok, bad] of [
  ['ours', ours.isValid(VALID), ours.isValid(INVALID)],
  ['ours (wasm)', oursWasm.isValid(VALID), oursWasm.isValid(INVALID)],
  ['ours (module)', served.isValid(VALID), served.isValid(INVALID)],
  ['ajv', ajvFast(VALID), ajvFast(INVALID)],
  ['cfworker', cf.validate(VALID).valid, cf.validate(INVALID).valid],
]) {
  if (ok !== true || bad !== false) throw new Error(`${name} disagrees: valid=${ok} invalid=${bad}`)
}

const cases = (v) => ({
  'valid, JS value': () => v.isValid(VALID),
  'valid, JS value, all errors': () => v.validate(VALID),
  'invalid, JS value, all errors': () => v.validate(INVALID),
  'valid, JSON text': () => v.isValidJson(VALID_TEXT),
  'invalid, JSON text, all errors': () => v.validateJson(INVALID_TEXT),
})
const JS = 'llm-schema-registry (generated JS)'
const rows = [
  [JS, cases(ours)],
  ['llm-schema-registry (validator.mjs)', cases(served)],
  ['llm-schema-registry (wasm)', cases(oursWasm)],
  ['ajv 8 (compiled)', {
    'valid, JS value': () => ajvFast(VALID),
    'valid, JS value, all errors': () => ajvAll(VALID),
    'invalid, JS value, all errors': () => ajvAll(INVALID),
    'valid, JSON text': () => ajvFast(JSON.parse(VALID_TEXT)),
    'invalid, JSON text, all errors': () => ajvAll(JSON.parse(INVALID_TEXT)),
  }],
  ['@cfworker/json-schema', {
    'valid, JS value': () => cf.validate(VALID),
    'valid, JS value, all errors': () => cfAll.validate(VALID),
    'invalid, JS value, all errors': () => cfAll.validate(INVALID),
    'valid, JSON text': () => cf.validate(JSON.parse(VALID_TEXT)),
    'invalid, JSON text, all errors': () => cfAll.validate(JSON.parse(INVALID_TEXT)),
  }],
]
const columns = Object.keys(rows[0][1])
const makers = {
  [JS]: () => new Validator(TOOL_CALL),
  'llm-schema-registry (wasm)': () => new Validator(TOOL_CALL, { engine: 'wasm' }),
  'ajv 8 (compiled)': () => new Ajv({ validateFormats: false, strict: false }).compile(TOOL_CALL),
  '@cfworker/json-schema': () => new CfValidator(TOOL_CALL, '7', true),
}
const firstCheck = {
  [JS]: (v) => v.isValid(VALID),
  'llm-schema-registry (wasm)': (v) => v.isValid(VALID),
  'ajv 8 (compiled)': (v) => v(VALID),
  '@cfworker/json-schema': (v) => v.validate(VALID),
}
const compile = rates(makers)
const compileAndFirst = rates(Object.fromEntries(Object.entries(makers).map(([name, make]) => [name, () => firstCheck[name](make())])))

console.log(`\nValidations per second, ${seconds}s per cell in five alternating slices (medians), Node ${process.version}, one process (tool-call schema: ${Object.keys(TOOL_CALL.properties).length} top-level properties, nested objects, arrays, enums, patterns, formats not asserted)\n`)
const fmt = (n) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'))
console.log(`| library | ${columns.join(' | ')} | compiles/s | compile + first validation/s |`)
console.log(`|---|${columns.map(() => '---:').join('|')}|---:|---:|`)
const measured = Object.fromEntries(rows.map(([name]) => [name, {}]))
for (const c of columns) {
  const got = rates(Object.fromEntries(rows.map(([name, fns]) => [name, fns[c]])))
  for (const [name] of rows) measured[name][c] = got[name]
}
for (const [name] of rows) {
  const cells = columns.map((c) => fmt(measured[name][c]))
  console.log(`| ${name} | ${cells.join(' | ')} | ${fmt(compile[name])} | ${fmt(compileAndFirst[name])} |`)
}
const ratio = (a, b, c) => (measured[a][c] / measured[b][c]).toFixed(2)
console.log(`\nRatios, same run (generated JS over the reference):\n`)
console.log(`| case | vs ajv 8 | vs @cfworker/json-schema | vs our wasm |`)
console.log('|---|---:|---:|---:|')
for (const c of columns) {
  console.log(`| ${c} | ${ratio(JS, 'ajv 8 (compiled)', c)}x | ${ratio(JS, '@cfworker/json-schema', c)}x | ${ratio(JS, 'llm-schema-registry (wasm)', c)}x |`)
}

const pkg = new URL('../../pkg/', import.meta.url).pathname
const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
const size = (list) => {
  let raw = 0
  let gz = 0
  for (const f of list) {
    const bytes = readFileSync(f)
    raw += bytes.length
    gz += gzipSync(bytes, { level: 9 }).length
  }
  return `${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzipped`
}
const at = (...names) => names.map((n) => join(pkg, n))
const shared = ['core.js', 'client.js', 'module.js']
const inWasm = (dir) => files(join(pkg, dir))
const slimLoads = [...at('browser.js', 'slim.js', 'schema-check.js', ...shared), ...files(join(pkg, 'meta')), ...inWasm('wasm-slim')]
const fullLoads = [...at('browser-full.js', 'full.js', ...shared), ...inWasm('wasm')]
const moduleJs = readFileSync(join(new URL('../../pkg/', import.meta.url).pathname, 'module.js'))
console.log(`\nA strict-CSP page loads module.js (${(moduleJs.length / 1024).toFixed(1)} KiB, ${(gzipSync(moduleJs, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped) and the schema's validator.mjs (${(moduleSource.length / 1024).toFixed(1)} KiB, ${(gzipSync(moduleSource, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped): no WebAssembly.`)
console.log(`\nWhat a page loads: the default entry (slim: JSON Schema as generated JavaScript, Avro, compatibility, fingerprints, LLM contracts) ${size(slimLoads)}, of which the wasm module ${size(at('wasm-slim/llm_schema_registry_wasm_bg.wasm'))} and the meta-schema validators ${size(files(join(pkg, 'meta')))}; llm-schema-registry/full (the Rust JSON Schema validator and Protobuf too) ${size(fullLoads)}, of which the wasm module ${size(at('wasm/llm_schema_registry_wasm_bg.wasm'))}. The whole package: ${size(files(pkg))}.`)
