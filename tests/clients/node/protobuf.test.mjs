// Protobuf through the npm clients against a running registry (REGISTRY_URL):
// @confluentinc/schemaregistry's ProtobufSerializer/ProtobufDeserializer with @bufbuild/protobuf
// messages (an import auto-registered as a reference), and @kafkajs/confluent-schema-registry
// with a PROTOBUF schema.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { create, createFileRegistry, createMutableRegistry, toJson } from '@bufbuild/protobuf'
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  file_google_protobuf_timestamp,
  timestampFromMs,
} from '@bufbuild/protobuf/wkt'
import {
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import kafkajs from '@kafkajs/confluent-schema-registry'

const url = process.env.REGISTRY_URL ?? 'http://127.0.0.1:8081'
const userInfo = process.env.REGISTRY_USER_INFO
const newClient = () =>
  new SchemaRegistryClient({
    baseURLs: [url],
    ...(userInfo ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo } } : {}),
  })
const fresh = (name) => `${name}-${randomUUID().slice(0, 8)}`

// The descriptors protoc would generate for jscommon/money.proto and jsshop/order.proto,
// built with @bufbuild/protobuf (what generated code embeds).
const field = (name, number, type, more = {}) => ({
  name,
  number,
  type,
  label: Label.OPTIONAL,
  jsonName: name.replace(/_(.)/g, (_, c) => c.toUpperCase()),
  ...more,
})
const money = create(FileDescriptorProtoSchema, {
  name: 'jscommon/money.proto',
  package: 'jscommon',
  syntax: 'proto3',
  messageType: [{ name: 'Money', field: [field('currency', 1, Type.STRING), field('units', 2, Type.INT64)] }],
})
const order = create(FileDescriptorProtoSchema, {
  name: 'jsshop/order.proto',
  package: 'jsshop',
  syntax: 'proto3',
  dependency: ['jscommon/money.proto', 'google/protobuf/timestamp.proto'],
  messageType: [
    {
      name: 'Order',
      field: [
        field('id', 1, Type.STRING),
        field('total', 2, Type.MESSAGE, { typeName: '.jscommon.Money' }),
        field('placed_at', 3, Type.MESSAGE, { typeName: '.google.protobuf.Timestamp' }),
        field('skus', 4, Type.STRING, { label: Label.REPEATED }),
      ],
    },
    { name: 'Refund', field: [field('order_id', 1, Type.STRING)] },
  ],
})
const files = createFileRegistry(
  create(FileDescriptorSetSchema, { file: [file_google_protobuf_timestamp.proto, money, order] }),
)
const Order = files.getMessage('jsshop.Order')
const Money = files.getMessage('jscommon.Money')

test('ProtobufSerializer auto-registers the file and its import; ProtobufDeserializer reads it back', async () => {
  const topic = fresh('js-orders')
  const registry = createMutableRegistry(Order, Money)
  const ser = new ProtobufSerializer(newClient(), SerdeType.VALUE, { autoRegisterSchemas: true, registry })
  const msg = create(Order, {
    id: 'o-1',
    total: create(Money, { currency: 'EUR', units: 1250n }),
    placedAt: timestampFromMs(1_764_633_600_000),
    skus: ['tea', 'cup'],
  })
  const bytes = await ser.serialize(topic, msg)
  assert.equal(bytes[0], 0, 'Confluent framing: magic byte')
  // A client of its own: it has to fetch the writer schema and its reference.
  const de = new ProtobufDeserializer(newClient(), SerdeType.VALUE, {})
  const back = await de.deserialize(topic, bytes)
  assert.equal(back.$typeName, 'jsshop.Order')
  assert.deepEqual(toJson(Order, back), toJson(Order, msg))

  const client = newClient()
  const latest = await client.getLatestSchemaMetadata(`${topic}-value`)
  assert.equal(latest.schemaType, 'PROTOBUF')
  assert.deepEqual(
    latest.references.map((r) => [r.name, r.subject]),
    [['jscommon/money.proto', 'jscommon/money.proto']],
  )
  // Stored as .proto text, read as the descriptor with format=serialized.
  assert.match(latest.schema, /message Order \{/)
  const dep = await client.getLatestSchemaMetadata('jscommon/money.proto')
  assert.match(dep.schema, /package jscommon;/)
})

test('a second message of the file is framed with its message index', async () => {
  const Refund = files.getMessage('jsshop.Refund')
  const topic = fresh('js-refunds')
  const ser = new ProtobufSerializer(newClient(), SerdeType.VALUE, {
    autoRegisterSchemas: true,
    registry: createMutableRegistry(Refund),
  })
  const bytes = await ser.serialize(topic, create(Refund, { orderId: 'o-1' }))
  const back = await new ProtobufDeserializer(newClient(), SerdeType.VALUE, {}).deserialize(topic, bytes)
  assert.equal(back.$typeName, 'jsshop.Refund')
  assert.equal(back.orderId, 'o-1')
})

test('@kafkajs/confluent-schema-registry registers, encodes and decodes a PROTOBUF schema', async () => {
  const { SchemaRegistry, SchemaType } = kafkajs
  const auth = userInfo
    ? { username: userInfo.split(':')[0], password: userInfo.slice(userInfo.indexOf(':') + 1) }
    : undefined
  const registry = new SchemaRegistry({ host: url, auth })
  const subject = fresh('kjs-proto')
  const schema = `syntax = "proto3";
package kjs.${subject.replace(/-/g, '_')};

message Completion {
  string model = 1;
  int32 tokens = 2;
  Finish finish = 3;
  enum Finish {
    STOP = 0;
    LENGTH = 1;
  }
}
`
  const { id } = await registry.register({ type: SchemaType.PROTOBUF, schema }, { subject })
  const payload = { model: 'm-1', tokens: 42, finish: 1 }
  const encoded = await registry.encode(id, payload)
  assert.equal(encoded.readInt32BE(1), id)
  // A fresh client fetches the schema by id and parses the stored .proto text.
  const reader = new SchemaRegistry({ host: url, auth })
  const decoded = await reader.decode(encoded)
  assert.equal(decoded.model, 'm-1')
  assert.equal(decoded.tokens, 42)
  assert.equal(decoded.finish, 1)
  assert.equal(await registry.getLatestSchemaId(subject), id)
})
