// Validations per second of the package against ajv (compiled) and @cfworker/json-schema on an
// LLM tool-call schema, valid and invalid instances, from JS values and from JSON text; and the
// package's size. One Node process; prints a Markdown table.
//
//   node core/wasm/js/test/bench.mjs [--seconds 1]      (after scripts/build-npm.sh and npm ci here)
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'
import Ajv from 'ajv'
import { Validator as CfValidator } from '@cfworker/json-schema'
import { Validator } from 'llm-schema-registry'
import { TOOL_CALL, VALID, INVALID } from './fixtures.mjs'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 1

const VALID_TEXT = JSON.stringify(VALID)
const INVALID_TEXT = JSON.stringify(INVALID)

function rate(fn) {
  for (let i = 0; i < 2000; i++) fn()
  let n = 0
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) fn()
    n += 200
  }
  return n / seconds
}

const ours = new Validator(TOOL_CALL)
const ajvFast = new Ajv({ validateFormats: false, strict: false }).compile(TOOL_CALL)
const ajvAll = new Ajv({ validateFormats: false, strict: false, allErrors: true }).compile(TOOL_CALL)
const cf = new CfValidator(TOOL_CALL, '7', true)
const cfAll = new CfValidator(TOOL_CALL, '7', false)

// Sanity: every validator agrees on both instances before anything is timed.
for (const [name, ok, bad] of [
  ['ours', ours.isValid(VALID), ours.isValid(INVALID)],
  ['ajv', ajvFast(VALID), ajvFast(INVALID)],
  ['cfworker', cf.validate(VALID).valid, cf.validate(INVALID).valid],
]) {
  if (ok !== true || bad !== false) throw new Error(`${name} disagrees: valid=${ok} invalid=${bad}`)
}

const rows = [
  ['llm-schema-registry (wasm)', {
    'valid, JS value': () => ours.isValid(VALID),
    'invalid, JS value, all errors': () => ours.validate(INVALID),
    'valid, JSON text': () => ours.isValidJson(VALID_TEXT),
    'invalid, JSON text, all errors': () => ours.validateJson(INVALID_TEXT),
  }],
  ['ajv 8 (compiled)', {
    'valid, JS value': () => ajvFast(VALID),
    'invalid, JS value, all errors': () => ajvAll(INVALID),
    'valid, JSON text': () => ajvFast(JSON.parse(VALID_TEXT)),
    'invalid, JSON text, all errors': () => ajvAll(JSON.parse(INVALID_TEXT)),
  }],
  ['@cfworker/json-schema', {
    'valid, JS value': () => cf.validate(VALID),
    'invalid, JS value, all errors': () => cfAll.validate(INVALID),
    'valid, JSON text': () => cf.validate(JSON.parse(VALID_TEXT)),
    'invalid, JSON text, all errors': () => cfAll.validate(JSON.parse(INVALID_TEXT)),
  }],
]
const columns = Object.keys(rows[0][1])
const compile = {
  'llm-schema-registry (wasm)': rate(() => new Validator(TOOL_CALL).free()) ,
  'ajv 8 (compiled)': rate(() => new Ajv({ validateFormats: false, strict: false }).compile(TOOL_CALL)),
  '@cfworker/json-schema': rate(() => new CfValidator(TOOL_CALL, '7', true)),
}

console.log(`\nValidations per second, ${seconds}s per cell, Node ${process.version}, one process (tool-call schema: ${Object.keys(TOOL_CALL.properties).length} top-level properties, nested objects, arrays, enums, patterns, formats not asserted)\n`)
console.log(`| library | ${columns.join(' | ')} | compiles/s |`)
console.log(`|---|${columns.map(() => '---:').join('|')}|---:|`)
for (const [name, cases] of rows) {
  const cells = columns.map((c) => Math.round(rate(cases[c])).toLocaleString('en-US'))
  console.log(`| ${name} | ${cells.join(' | ')} | ${Math.round(compile[name]).toLocaleString('en-US')} |`)
}

const pkg = new URL('../../pkg/', import.meta.url).pathname
const files = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]))
let raw = 0
let gz = 0
for (const f of files(pkg)) {
  const bytes = readFileSync(f)
  raw += bytes.length
  gz += gzipSync(bytes, { level: 9 }).length
}
const wasm = readFileSync(join(pkg, 'wasm/llm_schema_registry_wasm_bg.wasm'))
console.log(`\nPackage size: ${(raw / 1024).toFixed(0)} KiB raw, ${(gz / 1024).toFixed(0)} KiB gzipped (of which the wasm module: ${(wasm.length / 1024).toFixed(0)} KiB raw, ${(gzipSync(wasm, { level: 9 }).length / 1024).toFixed(0)} KiB gzipped)`)
