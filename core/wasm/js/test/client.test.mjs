// The package's RegistryClient against a running registry (REGISTRY_URL, set by scripts/test.sh).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { RegistryClient, RegistryError } from 'llm-schema-registry/full'

const base = process.env.REGISTRY_URL
if (!base) throw new Error('REGISTRY_URL must name a running registry (scripts/test.sh starts one)')

async function register(subject, body) {
  const r = await fetch(`${base}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  })
  assert.equal(r.status, 200, await r.clone().text())
  return (await r.json()).id
}

function countingFetch() {
  const calls = []
  const f = (url, init) => {
    calls.push(url)
    return fetch(url, init)
  }
  return { f, calls }
}

test('getSchemaById caches forever; getLatest; validator by subject and by id', async () => {
  const subject = `npm-client-${randomUUID().slice(0, 8)}`
  const schema = { type: 'object', properties: { prompt: { type: 'string', minLength: 1 } }, required: ['prompt'] }
  const id = await register(subject, { schemaType: 'JSON', schema: JSON.stringify(schema) })
  const { f, calls } = countingFetch()
  const client = new RegistryClient(base, { fetch: f })
  const s1 = await client.getSchemaById(id)
  const s2 = await client.getSchemaById(id)
  assert.equal(s1.schemaType, 'JSON')
  assert.deepEqual(JSON.parse(s1.schema), schema)
  assert.equal(s2, s1)
  assert.equal(calls.filter((u) => u.endsWith(`/schemas/ids/${id}`)).length, 1, 'one request for an id, ever')
  const latest = await client.getLatest(subject)
  assert.equal(latest.id, id)
  assert.equal(latest.version, 1)
  const v = await client.validator(subject)
  assert.equal(v.isValid({ prompt: 'hello' }), true)
  assert.equal(v.validate({ prompt: '' }).errors[0].instancePath, '/prompt')
  assert.equal(await client.validator(id), v, 'compiled once per id')
  await assert.rejects(client.getSchemaById(987654321), (e) => e instanceof RegistryError && e.status === 404 && e.code === 40403)
})

test('validator resolves references', async () => {
  const suffix = randomUUID().slice(0, 8)
  const address = { type: 'record', name: 'Address', namespace: 'npm', fields: [{ name: 'city', type: 'string' }] }
  await register(`addr-${suffix}`, { schema: JSON.stringify(address) })
  const person = { type: 'record', name: 'Person', namespace: 'npm', fields: [{ name: 'home', type: 'npm.Address' }] }
  const id = await register(`person-${suffix}`, {
    schema: JSON.stringify(person),
    references: [{ name: 'npm.Address', subject: `addr-${suffix}`, version: 1 }],
  })
  const v = await new RegistryClient(base).validator(id)
  assert.equal(v.isValid({ home: { city: 'Oslo' } }), true)
  assert.equal(v.isValid({ home: { town: 'Oslo' } }), false)
})
