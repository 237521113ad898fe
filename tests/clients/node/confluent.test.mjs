// @confluentinc/schemaregistry (Confluent's own JS client) against a running registry
// (REGISTRY_URL): guids and the header wire format, config with its fields, associations and
// the ASSOCIATED subject name strategy, CEL rules from the registered rule set.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  AvroDeserializer,
  AvroSerializer,
  CelExecutor,
  CelFieldExecutor,
  HeaderSchemaIdSerializer,
  JsonDeserializer,
  JsonSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'

const url = process.env.REGISTRY_URL ?? 'http://127.0.0.1:8081'
// "KEY_ID:SECRET" when the registry runs with API keys on (sent as HTTP Basic).
const userInfo = process.env.REGISTRY_USER_INFO
const newClient = () =>
  new SchemaRegistryClient({
    baseURLs: [url],
    ...(userInfo ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo } } : {}),
  })
const client = newClient()
const fresh = (name) => `${name}-${randomUUID().slice(0, 8)}`
const CLUSTER = 'lkc-js'

const order = (extra = []) =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'js8',
    fields: [{ name: 'id', type: 'string' }, ...extra],
  })
const unique = () => order([{ name: `f_${randomUUID().slice(0, 8)}`, type: 'int', default: 0 }])
const avro = (schema, more = {}) => ({ schema, schemaType: 'AVRO', ...more })
const props = (properties) => ({ properties, tags: {}, sensitive: [] })
// Avro records come back as instances of a generated class: compare their fields.
const plain = (record) => ({ ...record })

test('registerFullResponse carries a guid, and getByGuid finds the schema', async () => {
  const subject = fresh('js8-guid')
  const schema = unique()
  const registered = await client.registerFullResponse(subject, avro(schema))
  assert.equal(registered.version, 1)
  assert.match(registered.guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  const other = newClient()
  const found = await other.getByGuid(registered.guid)
  assert.deepEqual(JSON.parse(found.schema), JSON.parse(schema))
  const latest = await other.getLatestSchemaMetadata(subject)
  assert.equal(latest.guid, registered.guid)
  await assert.rejects(other.getByGuid(randomUUID()), (e) => e.status === 404 && e.errorCode === 40403)
})

for (const kind of ['AVRO', 'JSON']) {
  test(`HeaderSchemaIdSerializer round trip (${kind})`, async () => {
    const topic = fresh(`js8-header-${kind.toLowerCase()}`)
    const subject = `${topic}-value`
    let value
    if (kind === 'AVRO') {
      await client.register(subject, avro(unique()))
      value = { id: 'order-000001' }
    } else {
      const schema = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }
      await client.register(subject, { schema: JSON.stringify(schema), schemaType: 'JSON' })
      value = { text: 'hello' }
    }
    const latest = await client.getLatestSchemaMetadata(subject)
    if (kind === 'AVRO') {
      for (const f of JSON.parse(latest.schema).fields) value[f.name] ??= 0
    }
    const conf = { useLatestVersion: true, autoRegisterSchemas: false, schemaIdSerializer: HeaderSchemaIdSerializer }
    const Ser = kind === 'AVRO' ? AvroSerializer : JsonSerializer
    const De = kind === 'AVRO' ? AvroDeserializer : JsonDeserializer
    const serializer = new Ser(client, SerdeType.VALUE, conf)
    const headers = {}
    const payload = await serializer.serialize(topic, value, headers)
    const header = headers.__value_schema_id
    assert.ok(Buffer.isBuffer(header), 'the guid travels in a header')
    assert.equal(header[0], 1)
    assert.equal(Buffer.from(header.subarray(1, 17)).toString('hex'), latest.guid.replaceAll('-', ''))
    // A deserializer with its own, empty cache resolves the guid through the registry.
    const deserializer = new De(newClient(), SerdeType.VALUE, {})
    assert.deepEqual(plain(await deserializer.deserialize(topic, payload, headers)), value)
  })
}

test('config with its fields, merged metadata and a compatibility group', async () => {
  const subject = fresh('js8-config')
  const set = await client.updateConfig(subject, {
    compatibility: 'BACKWARD',
    compatibilityGroup: 'major',
    defaultMetadata: props({ owner: 'team-js' }),
    overrideMetadata: props({ tier: 'gold' }),
  })
  assert.equal(set.compatibilityGroup, 'major')
  const got = await client.getConfig(subject)
  assert.equal(got.compatibilityLevel, 'BACKWARD')
  assert.deepEqual(got.defaultMetadata.properties, { owner: 'team-js' })
  const base = unique()
  await client.register(subject, avro(base, { metadata: props({ major: '1' }) }))
  const latest = await client.getLatestSchemaMetadata(subject)
  assert.deepEqual(latest.metadata.properties, { major: '1', owner: 'team-js', tier: 'gold' })
  const breaking = base.replace('"type":"string"', '"type":"long"')
  await assert.rejects(
    client.register(subject, avro(breaking, { metadata: props({ major: '1' }) })),
    (e) => e.status === 409 && e.errorCode === 40901,
  )
  // Another major version is not compared with major 1.
  await client.register(subject, avro(breaking, { metadata: props({ major: '2' }) }))
  assert.deepEqual(await client.getAllVersions(subject), [1, 2])
  const byMeta = await client.getLatestWithMetadata(subject, { major: '1' }, false)
  assert.equal(byMeta.version, 1)
})

test('associations, and the ASSOCIATED strategy resolving through them', async () => {
  const topic = fresh('js8-assoc')
  const subject = fresh('js8-orders')
  const schema = unique()
  await client.register(subject, avro(schema))
  const created = await client.createAssociation({
    resourceName: topic,
    resourceNamespace: CLUSTER,
    resourceType: 'topic',
    associations: [{ subject, associationType: 'value' }],
  })
  assert.deepEqual(created.associations.map((a) => a.subject), [subject])
  const listed = await client.getAssociationsByResourceName(topic, '-', 'topic', ['value'], null, 0, -1)
  assert.deepEqual(listed.map((a) => [a.subject, a.associationType]), [[subject, 'value']])
  assert.deepEqual(await client.getAssociationsByResourceName(topic, CLUSTER, 'topic', ['key'], null, 0, -1), [])

  const serializer = new AvroSerializer(client, SerdeType.VALUE, {
    useLatestVersion: true,
    autoRegisterSchemas: false,
    subjectNameStrategyType: 'ASSOCIATED',
    subjectNameStrategyConfig: {
      'subject.name.strategy.kafka.cluster.id': CLUSTER,
      'subject.name.strategy.fallback.type': 'NONE',
    },
  })
  const value = { id: 'o-1' }
  for (const f of JSON.parse(schema).fields) value[f.name] ??= 0
  const payload = await serializer.serialize(topic, value)
  const id = (await client.getLatestSchemaMetadata(subject)).id
  assert.equal(payload.readInt32BE(1), id)
  await assert.rejects(
    client.createAssociation({ resourceName: topic, resourceNamespace: CLUSTER, associations: [{ subject, associationType: 'value' }] }),
    (e) => e.status === 409,
  )
  await client.deleteAssociations(created.resourceId, null, ['value'], false)
  assert.deepEqual(await client.getAssociationsByResourceName(topic, CLUSTER, 'topic', ['value'], null, 0, -1), [])
})

test('CEL condition and CEL_FIELD transform from the registered rule set', async () => {
  CelExecutor.register()
  CelFieldExecutor.register()
  const topic = fresh('js8-cel')
  const subject = `${topic}-value`
  const schema = JSON.stringify({
    type: 'record',
    name: 'Reply',
    namespace: 'js8',
    fields: [
      { name: 'model', type: 'string' },
      { name: 'text', type: 'string' },
    ],
  })
  const rule = (name, kind, type, expr) => ({ name, kind, mode: 'WRITE', type, expr })
  await client.register(
    subject,
    avro(schema, {
      ruleSet: {
        domainRules: [
          rule('known-model', 'CONDITION', 'CEL', "message.model in ['small', 'large']"),
          rule('text-mark', 'TRANSFORM', 'CEL_FIELD', "name == 'text' ; value + ' [checked]'"),
        ],
      },
    }),
  )
  const stored = await client.getLatestSchemaMetadata(subject)
  assert.deepEqual(stored.ruleSet.domainRules.map((r) => r.name), ['known-model', 'text-mark'])
  const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false })
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {})
  const payload = await serializer.serialize(topic, { model: 'small', text: 'hi' })
  assert.deepEqual(plain(await deserializer.deserialize(topic, payload)), { model: 'small', text: 'hi [checked]' })
  await assert.rejects(serializer.serialize(topic, { model: 'unknown', text: 'x' }))
})

test('contexts: qualified subjects, and a client whose URL is a context prefix', async () => {
  const context = `.${fresh('jsctx')}`
  const subject = `:${context}:orders-value`
  const id = await client.register(subject, avro(unique()))
  assert.equal(id, 1, 'a context counts its own ids from 1')
  const inContext = new SchemaRegistryClient({
    baseURLs: [`${url}/contexts/${context}`],
    ...(userInfo ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo } } : {}),
  })
  const latest = await inContext.getLatestSchemaMetadata('orders-value')
  assert.deepEqual([latest.subject, latest.id], [subject, id])
  assert.deepEqual(await inContext.getAllSubjects(), [subject])
  assert.deepEqual(await inContext.getAllVersions('orders-value'), [1])
})
