// @kafkajs/confluent-schema-registry against a running registry (REGISTRY_URL).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import pkg from '@kafkajs/confluent-schema-registry'

const { SchemaRegistry, SchemaType, COMPATIBILITY } = pkg
const host = process.env.REGISTRY_URL ?? 'http://127.0.0.1:8081'
// "KEY_ID:SECRET" when the registry runs with API keys on (sent as HTTP Basic).
const userInfo = process.env.REGISTRY_USER_INFO
const auth = userInfo ? { username: userInfo.split(':')[0], password: userInfo.slice(userInfo.indexOf(':') + 1) } : undefined
const registry = new SchemaRegistry({ host, auth })

test('credentials are checked when auth is on', { skip: !userInfo && 'the registry runs without API keys here' }, async () => {
  const wrong = new SchemaRegistry({ host, auth: { username: auth.username, password: 'wrong' } })
  await assert.rejects(wrong.getLatestSchemaId('anything'), (e) => e.status === 401)
})
const fresh = (name) => `${name}-${randomUUID().slice(0, 8)}`

const message = (fields) => ({
  type: 'record',
  name: 'Completion',
  namespace: 'llm',
  fields,
})
const V1 = message([
  { name: 'model', type: 'string' },
  { name: 'tokens', type: 'int' },
])
const V2 = message([
  { name: 'model', type: 'string' },
  { name: 'tokens', type: 'int' },
  { name: 'finish_reason', type: ['null', 'string'], default: null },
])
const BAD = message([
  { name: 'model', type: 'string' },
  { name: 'tokens', type: 'int' },
  { name: 'latency_ms', type: 'long' },
])

test('register with a compatibility level, encode, decode, getLatestSchemaId', async () => {
  const subject = fresh('node-completion-value')
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(V1) },
    { subject, compatibility: COMPATIBILITY.BACKWARD },
  )
  assert.equal(typeof id, 'number')
  assert.equal(await registry.getLatestSchemaId(subject), id)
  const payload = { model: 'small', tokens: 42 }
  const encoded = await registry.encode(id, payload)
  assert.equal(encoded[0], 0, 'Confluent wire format magic byte')
  assert.equal(encoded.readInt32BE(1), id)
  assert.deepEqual({ ...(await registry.decode(encoded)) }, payload)

  const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(V2) }, { subject })
  assert.notEqual(id2, id)
  assert.equal(await registry.getLatestSchemaId(subject), id2)
  // Data written with v1 decodes with v1's schema, found by id in the payload.
  assert.deepEqual({ ...(await registry.decode(encoded)) }, payload)

  await assert.rejects(
    registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(BAD) }, { subject }),
    (err) => err.status === 409 || /incompatible/i.test(String(err.message)),
  )
})

test('JSON Schema: register, encode, decode', async () => {
  const subject = fresh('node-tool-call-value')
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { tool: { type: 'string' }, arguments: { type: 'object' } },
    required: ['tool'],
  }
  const { id } = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(schema) }, { subject })
  const call = { tool: 'search', arguments: { q: 'rust' } }
  const encoded = await registry.encode(id, call)
  assert.deepEqual(await registry.decode(encoded), call)
  await assert.rejects(registry.encode(id, { arguments: {} }))
})

test('the registry answers lookups the client makes', async () => {
  const subject = fresh('node-lookup')
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(V1) }, { subject })
  assert.equal(await registry.getRegistryId(subject, 'latest'), id)
  const schema = await registry.getSchema(id)
  assert.equal(schema.name, 'llm.Completion')
})
