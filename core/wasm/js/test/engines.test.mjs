// The package's two JSON Schema engines, generated JavaScript and WebAssembly, case by case on
// the whole JSON-Schema-Test-Suite (required and optional, every draft), and the registry's
// served validator modules (REGISTRY_URL, set by scripts/test.sh) loaded without eval.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DATA, remotes, walk } from './suite.mjs'
import { RegistryClient, Validator, generateModule, importSource, loadValidator } from 'llm-schema-registry/full'
import { loadValidator as loadWithoutWasm } from 'llm-schema-registry/module'

const base = process.env.REGISTRY_URL

const DRAFTS = {
  draft4: 'http://json-schema.org/draft-04/schema#',
  draft6: 'http://json-schema.org/draft-06/schema#',
  draft7: 'http://json-schema.org/draft-07/schema#',
  'draft2019-09': 'https://json-schema.org/draft/2019-09/schema',
  'draft2020-12': 'https://json-schema.org/draft/2020-12/schema',
}

test('generated JavaScript and WebAssembly agree on every suite case', () => {
  let compared = 0
  let generated = 0
  let groups = 0
  const differences = []
  for (const [draft, metaschema] of Object.entries(DRAFTS)) {
    for (const path of walk(join(DATA, 'json-schema-test-suite/tests', draft)).filter((p) => p.endsWith('.json'))) {
      for (const group of JSON.parse(readFileSync(path, 'utf8'))) {
        const schema = typeof group.schema === 'object' && !('$schema' in group.schema) ? { $schema: metaschema, ...group.schema } : group.schema
        let wasm
        try {
          wasm = new Validator(schema, { engine: 'wasm', references: remotes })
        } catch {
          continue // a schema the registry refuses
        }
        groups += 1
        const auto = new Validator(schema, { references: remotes })
        if (auto.engine !== 'js') continue
        generated += 1
        for (const t of group.tests) {
          compared += 1
          const [a, b] = [auto.validate(t.data), wasm.validate(t.data)]
          const verdicts = [auto.isValid(t.data), wasm.isValid(t.data)]
          try {
            assert.deepEqual(a, b)
            assert.equal(verdicts[0], verdicts[1])
            assert.equal(verdicts[0], a.valid)
          } catch {
            differences.push(`${path.slice(DATA.length)}: ${group.description} / ${t.description}: js ${JSON.stringify(a)} wasm ${JSON.stringify(b)}`)
          }
        }
        wasm.free()
      }
    }
  }
  console.log(`# ${generated} of ${groups} suite schemas generated as JavaScript; ${compared} cases compared`)
  assert.deepEqual(differences, [])
  assert.ok(generated * 100 >= groups * 80, `${generated} of ${groups} generated`)
})

test('engine choice: JavaScript where it can be generated, WebAssembly otherwise', () => {
  assert.equal(new Validator({ type: 'string' }).engine, 'js')
  assert.equal(new Validator({ type: 'string' }, { engine: 'wasm' }).engine, 'wasm')
  const open = { $schema: 'https://json-schema.org/draft/2020-12/schema', properties: { a: true }, unevaluatedProperties: false }
  const fallback = new Validator(open)
  assert.equal(fallback.engine, 'wasm')
  assert.equal(fallback.isValid({ a: 1, b: 2 }), false)
  assert.throws(() => new Validator(open, { engine: 'js' }), (e) => e.code === 'UNSUPPORTED' && /unevaluatedProperties/.test(e.message))
  assert.throws(() => new Validator({ type: 'record', name: 'R', fields: [] }, { type: 'avro', engine: 'js' }), (e) => e.code === 'INVALID_ARGUMENT')
  assert.equal(new Validator({ type: 'record', name: 'R', fields: [] }, { type: 'avro' }).engine, 'wasm')
  // A schema the registry refuses is refused by both engines alike.
  assert.throws(() => new Validator({ type: 12 }), (e) => e.code === 'INVALID_SCHEMA')
  assert.throws(() => new Validator({ type: 12 }, { engine: 'wasm' }), (e) => e.code === 'INVALID_SCHEMA')
  // A pattern JavaScript's RegExp refuses keeps the wasm engine.
  assert.equal(new Validator({ pattern: '\\_' }).engine, 'wasm')
  const v = new Validator({ type: 'object', properties: { n: { type: 'integer' } } })
  assert.throws(() => v.validate(undefined), (e) => e.code === 'INVALID_JSON')
  assert.throws(() => v.validateJson('{'), (e) => e.code === 'INVALID_JSON')
})

test('generateModule gives an ES module with the same answers', async () => {
  const schema = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string', maxLength: 3 }, uniqueItems: true } }, required: ['tags'] }
  const source = generateModule(schema)
  assert.match(source, /export function isValid/)
  const module = await importSource(source)
  const wasm = new Validator(schema, { engine: 'wasm' })
  for (const value of [{ tags: ['a', 'b'] }, { tags: ['a', 'a', 'long'] }, {}, null]) {
    assert.deepEqual(module.validate(value), wasm.validate(value).errors)
    assert.equal(module.isValid(value), wasm.isValid(value))
  }
})

test('a registry serves validator modules that load without eval and answer as it does', async (t) => {
  if (!base) {
    t.skip('REGISTRY_URL is not set')
    return
  }
  const subject = `npm-module-${randomUUID().slice(0, 8)}`
  const schema = { type: 'object', properties: { prompt: { type: 'string', minLength: 1 }, n: { type: 'integer', minimum: 1 } }, required: ['prompt'], additionalProperties: false }
  const r = await fetch(`${base}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schemaType: 'JSON', schema: JSON.stringify(schema) }),
  })
  assert.equal(r.status, 200, await r.clone().text())
  const { id } = await r.json()
  const client = new RegistryClient(base)
  const byUrl = await loadValidator(client.validatorUrl(id))
  const byClient = await client.loadValidator(subject)
  const bare = await loadWithoutWasm(client.validatorUrl(id))
  assert.equal(byUrl.engine, 'module')
  for (const value of [{ prompt: 'hi', n: 2 }, { prompt: '', n: 0, extra: true }, { n: 'x' }, []]) {
    const answer = await (
      await fetch(`${base}/schemas/ids/${id}/validate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(value),
      })
    ).json()
    const expected = { valid: answer.results[0].valid, errors: answer.results[0].errors ?? [] }
    assert.deepEqual(byUrl.validate(value), expected, JSON.stringify(value))
    assert.deepEqual(byClient.validate(value), expected)
    assert.deepEqual(bare.validateJson(JSON.stringify(value)), expected)
    assert.equal(byUrl.isValid(value), expected.valid)
  }
  await assert.rejects(loadValidator(`${base}/schemas/ids/999999/validator.mjs`), (e) => e.code === 'LOAD_FAILED' && /40403/.test(e.message))
})
