// Client-side field encryption through the DEK registry with Confluent's own JS client: its
// ENCRYPT rule executor and local KMS encrypt the PII-tagged field; the bytes hold no
// plaintext; the field decrypts here, stays encrypted for a consumer without the KMS secret,
// decrypts in confluent-kafka (Python), and what Python encrypted decrypts here (PYTHON_CLIENT:
// the Python client venv's interpreter, set by the test command).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import {
  AvroDeserializer,
  AvroSerializer,
  DekRegistryClient,
  FieldEncryptionExecutor,
  LocalKmsDriver,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'

const url = process.env.REGISTRY_URL ?? 'http://127.0.0.1:8081'
const userInfo = process.env.REGISTRY_USER_INFO
// KEKs are managed by admins when API keys are on.
const adminInfo = process.env.REGISTRY_ADMIN_USER_INFO || userInfo
const python = process.env.PYTHON_CLIENT
const config = (info) => ({
  baseURLs: [url],
  ...(info ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: info } } : {}),
})
const client = new SchemaRegistryClient(config(userInfo))
const SECRET = 'js-local-secret'
const PROMPT = 'call me at +1 555 0100'

FieldEncryptionExecutor.register()
LocalKmsDriver.register()

// A subject with an ENCRYPT rule on its PII field, under a new KEK; a schema of its own (its
// id carries the rules it was first registered with).
async function encryptedSubject() {
  const tag = randomUUID().slice(0, 8)
  const kek = `kek_js_${tag}`
  await DekRegistryClient.newClient(config(adminInfo)).registerKek(kek, 'local-kms', 'prompts', false)
  const subject = `js-enc-${tag}-value`
  const schema = JSON.stringify({
    type: 'record',
    name: 'Prompt',
    namespace: `jsenc.t${tag}`,
    fields: [
      { name: 'model', type: 'string' },
      { name: 'text', type: 'string', 'confluent:tags': ['PII'] },
    ],
  })
  const rule = {
    name: 'encrypt-pii',
    kind: 'TRANSFORM',
    mode: 'WRITEREAD',
    type: 'ENCRYPT',
    tags: ['PII'],
    params: { 'encrypt.kek.name': kek, 'encrypt.kms.type': 'local-kms', 'encrypt.kms.key.id': 'prompts' },
    onFailure: 'ERROR,NONE',
  }
  await client.register(subject, { schemaType: 'AVRO', schema, ruleSet: { domainRules: [rule] } }, false)
  return { kek, subject, topic: subject.replace(/-value$/, '') }
}

const serializer = () =>
  new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true, ruleConfig: { secret: SECRET } })
const deserializer = () => new AvroDeserializer(client, SerdeType.VALUE, { ruleConfig: { secret: SECRET } })

function pythonClient(action, subject, data) {
  const script = fileURLToPath(new URL('../python/encrypted_io.py', import.meta.url))
  const out = execFileSync(python, ['-W', 'ignore', script, action, 'AVRO', subject, data, SECRET], {
    cwd: fileURLToPath(new URL('../python/', import.meta.url)),
    env: { ...process.env },
    timeout: 120_000,
  })
  return out.toString().trim().split('\n').pop()
}

test('an encrypted field round trip, the DEK stored only wrapped', async () => {
  const { kek, subject, topic } = await encryptedSubject()
  const value = { model: 'small', text: PROMPT }
  const bytes = await serializer().serialize(topic, { ...value })
  assert.ok(!bytes.includes(Buffer.from(PROMPT)), 'the plaintext is not on the wire')
  const back = await deserializer().deserialize(topic, bytes)
  assert.deepEqual({ ...back }, value)
  // A consumer without the KMS secret (a fresh process) gets the field as it was written.
  const blind = JSON.parse(
    execFileSync(process.execPath, [fileURLToPath(new URL('encrypted_io.mjs', import.meta.url)), 'consume', subject, bytes.toString('hex')], {
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LOCAL_SECRET')),
      timeout: 60_000,
    }).toString(),
  )
  assert.equal(blind.model, 'small')
  assert.ok(typeof blind.text === 'string' && !blind.text.includes(PROMPT), `still encrypted: ${blind.text}`)
  const dek = await DekRegistryClient.newClient(config(userInfo)).getDek(kek, subject, 'AES256_GCM', 1, false)
  assert.ok(dek.encryptedKeyMaterial)
  assert.equal(dek.keyMaterial, undefined)
})

test('interop with confluent-kafka (Python) both ways', { skip: !python && 'PYTHON_CLIENT not set' }, async () => {
  const { subject, topic } = await encryptedSubject()
  const fromJs = await serializer().serialize(topic, { model: 'js', text: PROMPT })
  assert.deepEqual(JSON.parse(pythonClient('consume', subject, fromJs.toString('hex'))), {
    model: 'js',
    text: PROMPT,
  })
  const fromPython = Buffer.from(
    pythonClient('produce', subject, JSON.stringify({ model: 'py', text: PROMPT })),
    'hex',
  )
  assert.ok(!fromPython.includes(Buffer.from(PROMPT)))
  const back = await deserializer().deserialize(topic, fromPython)
  assert.deepEqual({ ...back }, { model: 'py', text: PROMPT })
})
