// The package's LLM contracts, from Node, over the same case tables as the Rust tests
// (tests/data/llm): lint verdicts per provider, transform and export, model-output extraction,
// and the streaming validator against the full one on every prefix.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Validator, lint, transform, exportFor, profiles, parseModelOutput, StreamValidator } from 'llm-schema-registry/full'

const data = (name) => JSON.parse(readFileSync(new URL(`../../../../tests/data/llm/${name}`, import.meta.url), 'utf8'))

test('lint verdicts match the case table', () => {
  let n = 0
  for (const c of data('lint-cases.json').filter((c) => c.schema)) {
    const rules = lint(c.schema, c.profile).map((d) => d.rule).sort()
    assert.deepEqual(rules, [...c.rules].sort(), c.name)
    if (c.transforms === true) assert.deepEqual(lint(transform(c.schema, c.profile).schema, c.profile), [], c.name)
    if (c.transforms === false) {
      assert.throws(() => transform(c.schema, c.profile), (e) => e.code === 'DOES_NOT_FIT' && e.diagnostics.length > 0, c.name)
    }
    n++
  }
  console.log(`# ${n} lint cases`)
  assert.ok(n > 25)
})

test('exportFor gives each provider its fragment', () => {
  const schema = { title: 'lookup', type: 'object', properties: { q: { type: 'string' } } }
  const { fragment, changes } = exportFor('openai', schema, { as: 'tool' })
  assert.equal(fragment.type, 'function')
  assert.equal(fragment.function.name, 'lookup')
  assert.deepEqual(fragment.function.parameters.required, ['q'])
  assert.ok(changes.some((c) => c.message.includes('additionalProperties')))
  assert.equal(exportFor('anthropic', schema, { as: 'tool', name: 'find' }).fragment.name, 'find')
  assert.equal(exportFor('gemini', schema).fragment.responseMimeType, 'application/json')
  assert.deepEqual(exportFor('mcp', schema, { as: 'tool' }).fragment.inputSchema, schema)
  const map = { type: 'object', properties: { m: { type: 'object', additionalProperties: true } } }
  assert.throws(() => exportFor('openai', map), (e) => e.code === 'DOES_NOT_FIT' && e.diagnostics[0].rule === 'free-form')
  assert.throws(() => lint(schema, 'gpt-9'), (e) => e.code === 'INVALID_ARGUMENT')
  assert.ok(profiles().every((p) => p.rules.every((r) => r.source.startsWith('https://'))))
})

test('parseModelOutput over the corpus of model outputs', () => {
  const corpus = data('outputs.json')
  const validator = new Validator(corpus.schema)
  for (const c of corpus.cases) {
    const r = parseModelOutput(c.text, validator)
    const want = c.expect
    assert.equal(r.valid, want.valid, c.name)
    assert.equal(r.repair !== undefined, !r.valid, c.name)
    if ('found' in want) assert.equal(r.output.found, want.found, c.name)
    if ('candidates' in want) assert.equal(r.output.candidates, want.candidates, c.name)
    if ('truncated' in want) assert.equal(r.output.truncated, want.truncated, c.name)
    if ('value' in want) assert.deepEqual(r.value, want.value, c.name)
    if ('problem_offset' in want) assert.equal(r.output.problem.at.offset, want.problem_offset, c.name)
    for (const w of want.repair_contains ?? []) assert.ok(r.repair.includes(w), `${c.name}: ${r.repair}`)
  }
})

test('the stream validator agrees with the full one on every prefix', () => {
  const corpus = data('outputs.json')
  const validator = new Validator(corpus.schema)
  let early = 0
  for (const { text } of corpus.cases) {
    let whole = false
    try {
      // A fence around the whole value is allowed in a stream, as in the Rust test.
      whole = validator.isValid(JSON.parse(text.trim().replace(/^```(json)?/, '').replace(/```$/, '')))
    } catch {}
    const stream = new StreamValidator(corpus.schema)
    let stopped = false
    for (const ch of text) {
      if (stream.push(ch) !== null) {
        stopped = true
        break
      }
    }
    const verdict = stream.finish()
    if (stopped) {
      early++
      assert.equal(whole, false, `stopped early on a valid document: ${text}`)
    } else {
      assert.equal(verdict.valid, whole, text)
    }
  }
  assert.ok(early >= 5, `${early} stopped early`)
  const s = new StreamValidator(corpus.schema)
  assert.equal(s.push('{"name": "Ada", "ag'), null)
  const e = s.push('e": "36"')
  assert.equal(e.instancePath, '/age')
})
