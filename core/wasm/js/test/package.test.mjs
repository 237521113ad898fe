// The npm package as built (core/wasm/pkg, installed here as a dependency), from Node.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DATA, remotes, walk } from './suite.mjs'
import { Validator, checkCompatibility, fingerprint } from 'llm-schema-registry/full'

const json = (path) => JSON.parse(readFileSync(join(DATA, path), 'utf8'))

// As in the Rust conformance run (core/tests/expected-failures), every required test passes.
const EXPECTED_FAILURES = new Set([])

const DRAFTS = {
  draft7: 'http://json-schema.org/draft-07/schema#',
  'draft2020-12': 'https://json-schema.org/draft/2020-12/schema',
}

for (const [draft, metaschema] of Object.entries(DRAFTS)) {
  test(`JSON-Schema-Test-Suite ${draft} (required tests) through the package`, () => {
    const dir = join(DATA, 'json-schema-test-suite/tests', draft)
    let passed = 0
    const failures = []
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      for (const group of JSON.parse(readFileSync(join(dir, file), 'utf8'))) {
        // Without $schema the package reads draft 7 (as Confluent does): name the draft.
        const schema = typeof group.schema === 'object' && !('$schema' in group.schema) ? { $schema: metaschema, ...group.schema } : group.schema
        let validator = null
        try {
          validator = new Validator(schema, { type: 'json', references: remotes })
        } catch (err) {
          validator = err
        }
        for (const t of group.tests) {
          const id = `${file}: ${group.description} / ${t.description}`
          const ok = validator instanceof Validator && validator.isValid(t.data) === t.valid && validator.validate(t.data).valid === t.valid
          if (ok) passed += 1
          else if (!EXPECTED_FAILURES.has(id)) failures.push(id)
        }
      }
    }
    console.log(`# ${draft}: ${passed} passed through the package`)
    assert.deepEqual(failures, [])
    assert.ok(passed > 900, `${passed} tests ran`)
  })
}

test('errors carry instance and schema paths; JS values and JSON strings both work', () => {
  const v = new Validator(
    { type: 'object', properties: { tool: { enum: ['search'] }, args: { type: 'object', required: ['q'] } }, required: ['tool'] },
    { type: 'json' },
  )
  assert.equal(v.isValid({ tool: 'search', args: { q: 'x' } }), true)
  assert.equal(v.isValidJson('{"tool":"search","args":{"q":"x"}}'), true)
  assert.equal(v.isValid('{"tool":"search"}'), false, 'a JS string is a value, not JSON text')
  const result = v.validate({ tool: 'rm', args: {} })
  assert.equal(result.valid, false)
  assert.deepEqual(result.errors.map((e) => e.instancePath).sort(), ['/args', '/tool'])
  assert.ok(result.errors.every((e) => e.schemaPath.startsWith('/properties/') && e.message))
  assert.deepEqual(v.validateJson('{"tool":"search"}'), { valid: true, errors: [] })
})

test('Avro datums in the JSON encoding', () => {
  const v = new Validator(
    {
      type: 'record',
      name: 'Msg',
      fields: [
        { name: 'role', type: { type: 'enum', name: 'Role', symbols: ['user', 'assistant'] } },
        { name: 'content', type: 'string' },
        { name: 'tokens', type: ['null', 'int'], default: null },
      ],
    },
    { type: 'avro' },
  )
  assert.equal(v.isValid({ role: 'user', content: 'hi' }), true)
  assert.equal(v.isValid({ role: 'user', content: 'hi', tokens: { int: 3 } }), true)
  const bad = v.validate({ role: 'system', content: 5, extra: 1 })
  assert.deepEqual(bad.errors.map((e) => e.instancePath), ['/role', '/content', ''])
  assert.equal(bad.errors[0].schemaPath, '/fields/0/type')
})

test('errors are JS Errors with a code', () => {
  assert.throws(() => new Validator('{', { type: 'json' }), (e) => e instanceof Error && e.code === 'INVALID_SCHEMA')
  assert.throws(() => new Validator({ type: 'nope' }, { type: 'avro' }), (e) => e.code === 'INVALID_SCHEMA' && /nope/.test(e.message))
  assert.throws(() => new Validator({}, { type: 'xml' }), (e) => e.code === 'INVALID_ARGUMENT')
  const v = new Validator({ type: 'string' })
  assert.throws(() => v.validateJson('{not json'), (e) => e.code === 'INVALID_JSON')
  assert.throws(() => v.validate(undefined), (e) => e.code === 'INVALID_JSON')
  assert.throws(() => checkCompatibility({}, [{}], 'SIDEWAYS'), (e) => e.code === 'INVALID_ARGUMENT')
  // Deep nesting is an error with a code or a verdict, never a crash of the process: the wasm
  // engine refuses JSON nested past 128 levels, the generated code validates what JS holds.
  const deep = '['.repeat(100000) + ']'.repeat(100000)
  assert.throws(() => new Validator({ type: 'string' }, { engine: 'wasm' }).validateJson(deep), (e) => e instanceof Error && e.code === 'INVALID_JSON')
  assert.equal(v.engine, 'js')
  assert.equal(v.isValidJson(deep), false)
  assert.throws(() => v.validateJson(deep), (e) => e instanceof Error && e.code === 'TOO_DEEP')
})

test('compatibility cases from the conformance data', () => {
  const files = [
    ['karapace/jsonschema-compat-cases.json', 'json'],
    ['apache-avro/compat-cases.json', 'avro'],
    ['karapace/avro-compat-cases.json', 'avro'],
  ]
  let checked = 0
  for (const [file, type] of files) {
    for (const c of json(file).cases) {
      // The package parses as the registry does: no anonymous records, no relaxed names, one type.
      if (c.caveat || c.parse_options || c.rest_flow || c.schema_type === 'MIXED') continue
      // The data holds schemas as JSON values (an Avro primitive is a JSON string): pass text.
      const text = (s) => JSON.stringify(s)
      const result = checkCompatibility(text(c.new_schema), c.existing_schemas.map(text), c.level, type)
      assert.equal(result.compatible, c.expected_compatible, `${file}: ${c.name}`)
      checked += 1
    }
  }
  console.log(`# compatibility: ${checked} cases agree`)
  assert.ok(checked > 790)
})

test('fingerprints ignore key order and formatting, not content', () => {
  const a = fingerprint('{"type":"object","title":"T"}', 'json')
  assert.equal(a, fingerprint('{ "title": "T",\n "type": "object" }', 'json'))
  assert.notEqual(a, fingerprint({ type: 'object', title: 'U' }, 'json'))
  assert.match(a, /^[0-9a-f]{64}$/)
  const avro = { type: 'record', name: 'R', namespace: 'n', fields: [{ name: 'a', type: { type: 'int' } }] }
  assert.equal(fingerprint(avro, 'avro', { normalize: true }), fingerprint({ type: 'record', name: 'n.R', fields: [{ name: 'a', type: 'int' }] }, 'avro', { normalize: true }))
})

test('Protobuf: validation of JSON and binary payloads, compatibility, fingerprints, imports', () => {
  const order = 'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Order {\n  string id = 1;\n  int32 quantity = 2;\n  common.Money total = 3;\n}\n'
  const money = 'syntax = "proto3"; package common; message Money { string currency = 1; int64 units = 2; }'
  const v = new Validator(order, { type: 'protobuf', references: { 'money.proto': money } })
  assert.equal(v.isValid({ id: 'o1', quantity: 2, total: { currency: 'EUR', units: '5' } }), true)
  const bad = v.validate({ id: 'o1', total: { currency: 1 } })
  assert.equal(bad.valid, false)
  assert.equal(bad.errors[0].instancePath, '/total/currency')
  // id "o1" (field 1) and quantity 3 (field 2) in the binary encoding, base64.
  assert.equal(v.isValid({ $message: 'shop.Order', $binary: Buffer.from([0x0a, 0x02, 0x6f, 0x31, 0x10, 0x03]).toString('base64') }), true)
  assert.equal(v.isValid({ $message: 'Order', $binary: '////' }), false)
  assert.throws(() => new Validator('syntax = "proto3"; message {', { type: 'protobuf' }), (e) => e.code === 'INVALID_SCHEMA')
  // Confluent's rules: a changed scalar kind breaks readers, a new field does not.
  const v1 = 'syntax = "proto3"; message M { string a = 1; int32 b = 2; }'
  const added = 'syntax = "proto3"; message M { string a = 1; int32 b = 2; string c = 3; }'
  const changed = 'syntax = "proto3"; message M { string a = 1; string b = 2; }'
  assert.equal(checkCompatibility(added, [v1], 'BACKWARD', 'protobuf').compatible, true)
  const report = checkCompatibility(changed, [v1], 'BACKWARD', 'protobuf')
  assert.equal(report.compatible, false)
  assert.equal(report.incompatibilities[0].kind, 'FIELD_SCALAR_KIND_CHANGED')
  assert.equal(report.incompatibilities[0].location, '#/M/2')
  // The same schema written differently has the same fingerprint.
  assert.equal(fingerprint(v1, 'protobuf'), fingerprint('syntax = "proto3";\n// c\nmessage M {\n  string a = 1;\n  int32 b = 2;\n}\n', 'protobuf'))
  assert.notEqual(fingerprint(v1, 'protobuf'), fingerprint(added, 'protobuf'))
})
