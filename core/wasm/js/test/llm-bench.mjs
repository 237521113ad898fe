// Model outputs per second: parseModelOutput (extraction + validation + repair text) and the
// StreamValidator, next to the plain validator on the same JSON text, in one Node process, on
// the tool-call schema. Prints a Markdown table with each row's ratio to the plain validator.
//
//   node core/wasm/js/test/llm-bench.mjs [--seconds 1]   (after scripts/build-npm.sh and npm ci here)
import { Validator, parseModelOutput, StreamValidator } from 'llm-schema-registry/full'
import { TOOL_CALL, VALID, INVALID } from './fixtures.mjs'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 1
const validator = new Validator(TOOL_CALL)
const bare = JSON.stringify(VALID)
const chatty = `Sure! Here is the call you asked for:\n\n\`\`\`json\n${JSON.stringify(VALID, null, 2)}\n\`\`\`\n\nLet me know if you need anything else.`
const invalid = `Here you go: ${JSON.stringify(INVALID)}`
const chunks = bare.match(/.{1,16}/gs)

// Sanity: the answers agree before anything is timed.
if (!validator.isValidJson(bare) || !parseModelOutput(chatty, validator).valid || parseModelOutput(invalid, validator).valid) {
  throw new Error('parseModelOutput disagrees with the validator')
}

function rate(fn) {
  for (let i = 0; i < 500; i++) fn()
  let n = 0
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) fn()
    n += 100
  }
  return n / seconds
}

function stream(parts) {
  const s = new StreamValidator(validator)
  for (const p of parts) s.push(p)
  const v = s.finish()
  s.free()
  return v
}

const rows = [
  ['plain validator, JSON text (isValidJson)', () => validator.isValidJson(bare)],
  ['plain validator, JSON text, all errors (validateJson)', () => validator.validateJson(bare)],
  ['parseModelOutput, bare JSON', () => parseModelOutput(bare, validator)],
  ['parseModelOutput, fenced in prose', () => parseModelOutput(chatty, validator)],
  ['parseModelOutput, invalid in prose (errors + repair text)', () => parseModelOutput(invalid, validator)],
  ['StreamValidator, one chunk', () => stream([bare])],
  [`StreamValidator, ${chunks.length} chunks of 16 characters`, () => stream(chunks)],
]
const base = rate(rows[0][1])
console.log(`\nModel outputs per second, ${seconds}s per row, Node ${process.version} (tool-call schema, ${bare.length} characters of JSON)\n`)
console.log('| what | per second | vs plain isValidJson |')
console.log('|---|---:|---:|')
for (const [name, fn] of rows) {
  const r = name === rows[0][0] ? base : rate(fn)
  console.log(`| ${name} | ${Math.round(r).toLocaleString('en-US')} | ${(r / base).toFixed(2)} |`)
}
