// The default entry point (the slim build: no Rust JSON Schema validator, no Protobuf) against
// the full one, both loaded in this process: every schema of the JSON-Schema-Test-Suite, and
// every datum of it taken as a schema, is accepted or refused alike, with the same message, and
// what both accept validates alike; model outputs too. What the slim build cannot do it refuses
// with code UNSUPPORTED, naming the full build.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DATA, remotes, walk } from './suite.mjs'
import * as slim from 'llm-schema-registry'
import * as full from 'llm-schema-registry/full'

const DRAFTS = ['draft4', 'draft6', 'draft7', 'draft2019-09', 'draft2020-12']

function outcome(make) {
  try {
    return { validator: make() }
  } catch (err) {
    return { code: err.code, message: err.message }
  }
}

test('each entry point names its build, and both work side by side', () => {
  assert.equal(slim.build(), 'slim')
  assert.equal(full.build(), 'full')
  const schema = { type: 'object', properties: { n: { type: 'integer' } } }
  assert.deepEqual(new slim.Validator(schema).validate({ n: 'x' }), new full.Validator(schema, { engine: 'wasm' }).validate({ n: 'x' }))
  assert.equal(slim.fingerprint(schema), full.fingerprint(schema))
})

test('the slim build accepts and refuses schemas as the full one does', () => {
  const candidates = new Map() // text -> {draft, tests}
  for (const draft of DRAFTS) {
    for (const path of walk(join(DATA, 'json-schema-test-suite/tests', draft)).filter((p) => p.endsWith('.json'))) {
      for (const group of JSON.parse(readFileSync(path, 'utf8'))) {
        candidates.set(JSON.stringify(group.schema), group.tests)
        for (const t of group.tests) if (!candidates.has(JSON.stringify(t.data))) candidates.set(JSON.stringify(t.data), [])
      }
    }
  }
  const counts = { refusedAlike: 0, acceptedAlike: 0, slimUnsupported: 0, referencesUnresolved: 0, cases: 0 }
  // A $ref the generator does not resolve may still name something the full build finds (an
  // embedded $id), so the slim build cannot call the schema invalid: it refuses it as
  // UNSUPPORTED, and the full build words the error.
  const unresolved = /an unresolved \$ref|a \$ref to an anchor it does not find|an unresolvable pointer/
  const differences = []
  for (const [text, tests] of candidates) {
    const f = outcome(() => new full.Validator(text, { engine: 'wasm', references: remotes }))
    const s = outcome(() => new slim.Validator(text, { references: remotes }))
    if (s.code === 'UNSUPPORTED' && f.validator !== undefined) {
      counts.slimUnsupported += 1
      continue
    }
    if (f.code === 'INVALID_SCHEMA' && s.code === 'UNSUPPORTED' && unresolved.test(s.message)) {
      counts.referencesUnresolved += 1
      continue
    }
    if (f.validator === undefined || s.validator === undefined) {
      if (f.code === s.code && f.message === s.message) counts.refusedAlike += 1
      else differences.push(`${text.slice(0, 160)}: full ${f.code ?? 'accepts'} ${f.message ?? ''} | slim ${s.code ?? 'accepts'} ${s.message ?? ''}`)
      continue
    }
    counts.acceptedAlike += 1
    for (const t of tests) {
      counts.cases += 1
      const [a, b] = [s.validator.validate(t.data), f.validator.validate(t.data)]
      if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${text.slice(0, 160)} on ${JSON.stringify(t.data)}: slim ${JSON.stringify(a)} full ${JSON.stringify(b)}`)
    }
    f.validator.free()
  }
  console.log(`# ${candidates.size} candidate schemas: ${counts.acceptedAlike} accepted by both (${counts.cases} cases alike), ${counts.refusedAlike} refused alike, ${counts.referencesUnresolved} refused by both (by the slim build as references it does not resolve), ${counts.slimUnsupported} left to the full build`)
  assert.deepEqual(differences, [])
  assert.ok(counts.refusedAlike > 100, 'the candidates include schemas both refuse')
  // The same floor as the generator's in the conformance run: 80% of what the full build takes.
  assert.ok(counts.acceptedAlike * 100 >= (counts.acceptedAlike + counts.slimUnsupported) * 80, 'the slim build takes most schemas')
})

test('model outputs are judged alike by both builds', () => {
  const { schema: fixture, cases } = JSON.parse(readFileSync(join(DATA, 'llm/outputs.json'), 'utf8'))
  const [s, f] = [new slim.Validator(fixture), new full.Validator(fixture)]
  let compared = 0
  for (const c of cases) {
    assert.deepEqual(slim.parseModelOutput(c.text, s), full.parseModelOutput(c.text, f), c.name)
    compared += 1
  }
  const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }
  for (const output of ['The answer: {"n": "one"}', '```json\n{"n": 2}\n```', 'no JSON here', '{"n": 1', '[1] then {"n": 3}']) {
    assert.deepEqual(slim.parseModelOutput(output, new slim.Validator(schema)), full.parseModelOutput(output, new full.Validator(schema)), output)
    compared += 1
  }
  console.log(`# ${compared} model outputs judged alike`)
})

test('compatibility reports and fingerprints are the same in both builds', () => {
  // The slim build matches patternProperties with regex-lite (ASCII classes only); these cases
  // show where that changes nothing, and the fingerprints are the same text hashed alike.
  let checked = 0
  for (const [file, type] of [
    ['karapace/jsonschema-compat-cases.json', 'json'],
    ['apache-avro/compat-cases.json', 'avro'],
    ['karapace/avro-compat-cases.json', 'avro'],
  ]) {
    for (const c of JSON.parse(readFileSync(join(DATA, file), 'utf8')).cases) {
      if (c.caveat || c.parse_options || c.rest_flow || c.schema_type === 'MIXED') continue
      const text = (x) => JSON.stringify(x)
      const run = (api) => api.checkCompatibility(text(c.new_schema), c.existing_schemas.map(text), c.level, type)
      assert.deepEqual(run(slim), run(full), `${file}: ${c.name}`)
      assert.equal(slim.fingerprint(text(c.new_schema), type), full.fingerprint(text(c.new_schema), type))
      checked += 1
    }
  }
  console.log(`# ${checked} compatibility cases reported alike`)
})

test('what the slim build leaves out is refused with UNSUPPORTED, naming the full build', () => {
  const code = (f) => {
    try {
      f()
      return 'none'
    } catch (err) {
      assert.match(err.message, /full/)
      return err.code
    }
  }
  const proto = 'syntax = "proto3";\nmessage M { string s = 1; }\n'
  assert.equal(code(() => new slim.Validator(proto, { type: 'protobuf' })), 'UNSUPPORTED')
  assert.equal(code(() => slim.fingerprint(proto, 'protobuf')), 'UNSUPPORTED')
  assert.equal(code(() => slim.checkCompatibility(proto, [proto], 'BACKWARD', 'protobuf')), 'UNSUPPORTED')
  assert.equal(code(() => new slim.Validator({ type: 'string' }, { engine: 'wasm' })), 'UNSUPPORTED')
  assert.equal(code(() => new slim.StreamValidator({ type: 'string' })), 'UNSUPPORTED')
  const open = { $schema: 'https://json-schema.org/draft/2020-12/schema', properties: { a: true }, unevaluatedProperties: false }
  assert.equal(code(() => new slim.Validator(open)), 'UNSUPPORTED')
  assert.equal(code(() => new slim.Validator({ $schema: 'https://example.invalid/meta' })), 'UNSUPPORTED')
  // Avro stays in the slim build's WebAssembly.
  const avro = { type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }] }
  assert.deepEqual(new slim.Validator(avro, { type: 'avro' }).validate({ s: 1 }), new full.Validator(avro, { type: 'avro' }).validate({ s: 1 }))
})

test('the slim WebAssembly module is the smaller one', () => {
  const size = (dir) => statSync(new URL(`./node_modules/llm-schema-registry/${dir}/llm_schema_registry_wasm_bg.wasm`, import.meta.url)).size
  assert.ok(size('wasm-slim') < size('wasm'), `slim ${size('wasm-slim')} bytes, full ${size('wasm')}`)
})
