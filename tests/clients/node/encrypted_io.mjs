// One message through @confluentinc/schemaregistry's ENCRYPT rule executor, in a process of its
// own (the executor keeps DEKs and KMS clients per process, so a consumer "without KMS access"
// must be a process that never had the secret):
//   node encrypted_io.mjs consume SUBJECT HEX_PAYLOAD [SECRET]  -> the value as JSON
import {
  AvroDeserializer,
  FieldEncryptionExecutor,
  LocalKmsDriver,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'

const [action, subject, hex, secret] = process.argv.slice(2)
if (action !== 'consume') throw new Error(`unknown action ${action}`)
FieldEncryptionExecutor.register()
LocalKmsDriver.register()
const userInfo = process.env.REGISTRY_USER_INFO
const client = new SchemaRegistryClient({
  baseURLs: [process.env.REGISTRY_URL ?? 'http://127.0.0.1:8081'],
  ...(userInfo ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo } } : {}),
})
const deserializer = new AvroDeserializer(client, SerdeType.VALUE, { ruleConfig: secret ? { secret } : {} })
const value = await deserializer.deserialize(subject.replace(/-value$/, ''), Buffer.from(hex, 'hex'))
process.stdout.write(`${JSON.stringify({ ...value })}\n`)
