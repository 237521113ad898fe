// The web console end to end: a real origin (SQLite, API keys on) and the console in headless
// Chromium (playwright-core driving Debian's /usr/bin/chromium). Browse and search subjects,
// diff two versions with the compatibility verdict, validate a good and a bad payload in the
// browser, check and register a draft, see the edges, and a 403 with a read-only key.
// Screenshots of the main views go to ./screenshots.
//
// SERVER_BIN and CLI_BIN name the built binaries (default: target/debug of the workspace).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const SERVER = process.env.SERVER_BIN ?? join(root, 'target/debug/schema-registry-server')
const CLI = process.env.CLI_BIN ?? join(root, 'target/debug/schema-registry')
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url))

const ORDERS_V1 = { type: 'record', name: 'Order', namespace: 'com.acme', doc: 'An order', fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }] }
const ORDERS_V2 = { ...ORDERS_V1, fields: [...ORDERS_V1.fields, { name: 'couponCode', type: ['null', 'string'], default: null }] }
const ORDERS_V3 = { ...ORDERS_V1, fields: [...ORDERS_V2.fields, { name: 'channel', type: 'string', default: 'web' }] }
const ORDERS_BAD = { ...ORDERS_V1, fields: [...ORDERS_V2.fields, { name: 'region', type: 'string' }] }
const PROTO_V1 = 'syntax = "proto3";\npackage shop;\n\n// An order.\nmessage Order {\n  string id = 1;\n  int32 quantity = 2;\n}\n'
const CUSTOMER = { type: 'object', title: 'Customer', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name'] }

function freePort() {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
  })
}

function key(db, role) {
  const out = execFileSync(CLI, ['keys', 'create', '--role', role, '--name', `console-${role}`, '--json'], { env: { ...process.env, DATABASE_URL: db } })
  return JSON.parse(out).key
}

async function waitReady(url) {
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`${url}/ready`)).ok) return } catch {}
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('origin not ready')
}

async function call(url, k, method, path, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${k}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`)
  return res.json()
}

test('the console in headless Chromium', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-'))
  mkdirSync(SHOTS, { recursive: true })
  const db = `sqlite://${join(dir, 'registry.db')}`
  const admin = key(db, 'admin')
  const reader = key(db, 'read')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const server = spawn(SERVER, [], { env: { ...process.env, DATABASE_URL: db, LISTEN_ADDR: `127.0.0.1:${port}`, AUTH_ENABLED: 'true', RUST_LOG: 'warn' }, stdio: 'inherit' })
  let browser
  try {
    await waitReady(url)
    await call(url, admin, 'POST', '/subjects/orders-value/versions', { schema: JSON.stringify(ORDERS_V1) })
    await call(url, admin, 'POST', '/subjects/orders-value/versions', { schema: JSON.stringify(ORDERS_V2) })
    await call(url, admin, 'POST', '/subjects/customer-json/versions', { schemaType: 'JSON', schema: JSON.stringify(CUSTOMER) })
    for (let i = 0; i < 120; i++) {
      const schema = { type: 'record', name: `Bulk${i}`, fields: [{ name: 'n', type: 'long' }] }
      await call(url, admin, 'POST', `/subjects/bulk-${String(i).padStart(3, '0')}/versions`, { schema: JSON.stringify(schema) })
    }
    await call(url, admin, 'POST', '/admin/edges', { url: 'http://127.0.0.1:9/edge' })

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    const ready = () => page.waitForSelector('body[data-ready="true"]')
    // A view of the console by its hash, rendered afresh.
    const visit = async (hash) => {
      await page.evaluate((h) => { document.body.dataset.ready = 'false'; location.hash = h }, hash)
      await ready()
    }

    // Without a key the API refuses, and the console says so.
    await page.goto(`${url}/ui`)
    await ready()
    assert.match(await page.textContent('#view-error'), /401/)
    const timing = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0]
      return { load: n.loadEventEnd - n.startTime, bytes: performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, n.transferSize) }
    })
    console.log(`console page load: ${timing.load.toFixed(0)} ms, ${timing.bytes} bytes transferred`)

    // Browse with the admin key: paging over every subject, then a search.
    await page.fill('#key', admin)
    await page.click('#auth button')
    await page.waitForSelector('#subjects tbody tr')
    assert.equal(await page.textContent('#count'), '1-50 of 122')
    await page.click('#next')
    await page.waitForFunction(() => document.querySelector('#count')?.textContent === '51-100 of 122')
    await page.fill('input[name=q]', 'order')
    await page.click('#find button')
    await page.waitForFunction(() => document.querySelector('#count')?.textContent === '1-1 of 1')
    assert.equal(await page.textContent('#subjects tbody tr td a'), 'orders-value')
    await page.screenshot({ path: join(SHOTS, 'subjects.png') })

    // A subject: versions, level, mode, the highlighted schema.
    await page.click('text=orders-value')
    await page.waitForSelector('#versions button[data-v="2"]')
    assert.equal(await page.textContent('#level'), 'BACKWARD')
    assert.equal(await page.textContent('#mode'), 'READWRITE')
    assert.match(await page.textContent('#schema pre'), /couponCode/)
    assert.ok(await page.$('#schema pre .k'), 'keys are highlighted')

    // Diff of versions 1 and 2 with the checker's verdict.
    await page.click('#compare')
    await page.waitForSelector('#diff-verdict')
    assert.equal(await page.textContent('#diff-verdict'), 'Version 2 is compatible with version 1 (BACKWARD)')
    const added = await page.$$eval('.diff tr.add td.r, .diff tr.change td.r', (tds) => tds.map((t) => t.textContent).join('\n'))
    assert.match(added, /couponCode/)
    await page.screenshot({ path: join(SHOTS, 'diff.png'), fullPage: true })

    // An incompatible draft: the checker's messages, and the diff would flag its field.
    await page.fill('#draft', JSON.stringify(ORDERS_BAD, null, 2))
    await page.click('#check')
    await page.waitForFunction(() => document.querySelector('#draft-verdict')?.textContent === 'Incompatible')
    assert.match(await page.textContent('#draft-messages'), /region/)
    // A compatible draft: checked, then registered as version 3.
    await page.fill('#draft', JSON.stringify(ORDERS_V3, null, 2))
    await page.click('#check')
    await page.waitForFunction(() => document.querySelector('#draft-verdict')?.textContent.startsWith('Compatible'))
    await page.click('#register')
    await page.waitForSelector('#versions button[data-v="3"]')
    assert.match(await page.textContent('#status'), /Registered orders-value: id \d+, now 3 version\(s\)/)

    // An incompatible version forced in under NONE: the diff shows the verdict, the checker's
    // messages, and flags the lines of the field they name.
    await call(url, admin, 'PUT', '/config/orders-value', { compatibility: 'NONE' })
    await call(url, admin, 'POST', '/subjects/orders-value/versions', { schema: JSON.stringify(ORDERS_BAD) })
    await call(url, admin, 'PUT', '/config/orders-value', { compatibility: 'BACKWARD' })
    await visit('#/subject/orders-value?v=4')
    await page.selectOption('#left', '3')
    await page.selectOption('#right', '4')
    await page.click('#compare')
    await page.waitForSelector('#diff-verdict')
    assert.equal(await page.textContent('#diff-verdict'), 'Version 4 is not compatible with version 3 (BACKWARD)')
    const flagged = await page.$$eval('.diff tr.flagged', (rows) => rows.map((r) => r.textContent).join('\n'))
    assert.match(flagged, /region/)
    await page.screenshot({ path: join(SHOTS, 'diff-incompatible.png'), fullPage: true })

    // A Protobuf subject: the .proto text shown as registered, a diff whose flagged line is the
    // field the checker names by its number, and a payload validated in the browser.
    await call(url, admin, 'PUT', '/config/orders-proto', { compatibility: 'NONE' })
    await call(url, admin, 'POST', '/subjects/orders-proto/versions', { schemaType: 'PROTOBUF', schema: PROTO_V1 })
    await call(url, admin, 'POST', '/subjects/orders-proto/versions', { schemaType: 'PROTOBUF', schema: PROTO_V1.replace('int32 quantity', 'string quantity') })
    await call(url, admin, 'PUT', '/config/orders-proto', { compatibility: 'BACKWARD' })
    await visit('#/subject/orders-proto?v=2')
    assert.match(await page.textContent('#schema pre'), /message Order \{/)
    await page.selectOption('#left', '1')
    await page.selectOption('#right', '2')
    await page.click('#compare')
    await page.waitForSelector('#diff-verdict')
    assert.equal(await page.textContent('#diff-verdict'), 'Version 2 is not compatible with version 1 (BACKWARD)')
    assert.match(await page.textContent('#diff .errors'), /#\/Order\/2/)
    const protoFlagged = await page.$$eval('.diff tr.flagged', (rows) => rows.map((r) => r.textContent).join('\n'))
    assert.match(protoFlagged, /quantity = 2;/)
    await page.fill('#payload', '{"id": 5}')
    await page.click('#validate')
    await page.waitForFunction(() => document.querySelector('#verdict')?.textContent.endsWith('error(s)'))
    assert.deepEqual(await page.$$eval('#payload-errors code', (c) => c.map((x) => x.textContent)), ['/id'])
    await page.fill('#payload', '{"id": "o1", "quantity": "many"}')
    await page.click('#validate')
    await page.waitForFunction(() => document.querySelector('#verdict')?.textContent.startsWith('Valid'))
    await page.screenshot({ path: join(SHOTS, 'protobuf.png'), fullPage: true })

    // A subject with an ENCRYPT rule and a DEK: the rule, and the DEK's metadata, never its key.
    const wrapped = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
    const prompt = { type: 'record', name: 'Prompt', fields: [{ name: 'text', type: 'string', 'confluent:tags': ['PII'] }] }
    const rule = { name: 'encrypt-pii', kind: 'TRANSFORM', mode: 'WRITEREAD', type: 'ENCRYPT', tags: ['PII'], onFailure: 'ERROR,NONE',
      params: { 'encrypt.kek.name': 'prompts-kek', 'encrypt.kms.type': 'local-kms', 'encrypt.kms.key.id': 'k1' } }
    await call(url, admin, 'POST', '/subjects/prompts-value/versions', { schema: JSON.stringify(prompt), ruleSet: { domainRules: [rule] } })
    await call(url, admin, 'POST', '/dek-registry/v1/keks', { name: 'prompts-kek', kmsType: 'local-kms', kmsKeyId: 'k1' })
    await call(url, admin, 'POST', '/dek-registry/v1/keks/prompts-kek/deks/prompts-value', { encryptedKeyMaterial: wrapped })
    await visit('#/subject/prompts-value')
    await page.waitForSelector('#enc-deks tbody tr')
    assert.match(await page.textContent('#enc-rules'), /prompts-kek.*local-kms.*k1/s)
    assert.match(await page.textContent('#enc-rules'), /PII/)
    assert.match(await page.textContent('#enc-deks'), /prompts-kek.*local-kms.*1.*AES256_GCM.*live/s)
    assert.ok(!(await page.content()).includes(wrapped), 'no key material in the page')
    await page.screenshot({ path: join(SHOTS, 'encryption.png'), fullPage: true })
    // A subject without either: no card.
    await visit('#/subject/orders-value')
    assert.ok(await page.$eval('#enc-card', (c) => c.hidden))

    // Payloads validated in the browser (the npm package's WebAssembly), errors at their paths.
    await visit('#/subject/customer-json')
    await page.fill('#payload', '{"name": "Ada", "age": 36}')
    await page.click('#validate')
    await page.waitForFunction(() => document.querySelector('#verdict')?.textContent.startsWith('Valid'))
    await page.fill('#payload', '{"age": -1}')
    await page.click('#validate')
    await page.waitForFunction(() => document.querySelector('#verdict')?.textContent.endsWith('error(s)'))
    const paths = await page.$$eval('#payload-errors code', (c) => c.map((x) => x.textContent))
    assert.ok(paths.includes('/age'), `errors at ${paths}`)
    assert.ok(paths.includes('/'), `errors at ${paths}`)
    await page.screenshot({ path: join(SHOTS, 'validate.png'), fullPage: true })

    // Use with an LLM: the verdict per provider profile and the fragment to copy.
    await page.waitForSelector('#llm-fit tbody tr')
    const fit = await page.$$eval('#llm-fit tbody tr', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.profile, r.lastElementChild.textContent])))
    assert.match(fit['openai-strict'], /^fits once transformed/, 'optional age, open objects: changes needed')
    assert.equal(fit.mcp, 'fits')
    await page.waitForFunction(() => document.querySelector('#llm-fragment')?.textContent.includes('json_schema'))
    await page.selectOption('#llm-profile', 'gemini-schema')
    await page.selectOption('#llm-as', 'tool')
    await page.click('#llm-export')
    await page.waitForFunction(() => document.querySelector('#llm-fragment')?.textContent.includes('functionDeclarations'))
    await page.screenshot({ path: join(SHOTS, 'llm.png'), fullPage: true })

    // Config change.
    await page.selectOption('#new-level', 'FULL')
    await page.click('#set-level')
    await page.waitForFunction(() => document.querySelector('#level')?.textContent === 'FULL')
    assert.equal((await call(url, admin, 'GET', '/config/customer-json')).compatibilityLevel, 'FULL')

    // Edges, for admins: cursor and lag.
    await visit('#/edges')
    const edgeRow = await page.textContent('#edges tbody tr')
    assert.match(edgeRow, /http:\/\/127\.0\.0\.1:9\/edge/)
    await page.screenshot({ path: join(SHOTS, 'edges.png') })
    await visit('#/events')
    assert.match(await page.textContent('#events'), /register/)

    // A read-only key reads, but registering answers 403 and the console says why.
    await page.fill('#key', reader)
    await page.click('#auth button')
    await visit('#/subject/orders-value')
    await page.click('#register')
    await page.waitForFunction(() => document.querySelector('#draft-verdict')?.textContent.includes('403'))
    assert.match(await page.textContent('#draft-verdict'), /Your key does not allow this \(403, 40301\)/)
    await visit('#/edges')
    assert.match(await page.textContent('#view-error'), /403/)
    assert.deepEqual(errors, [])
  } finally {
    if (browser) await browser.close()
    server.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
})
