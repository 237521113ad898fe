// The browser build loaded in a real headless Chromium (Debian's, driven by playwright-core):
// a page imports the package's ES module entry, validates, checks compatibility, fingerprints,
// exports for an LLM provider, checks a model's output and streams one. Then a page under a
// strict Content-Security-Policy (no eval, no WebAssembly) loads a running registry's generated
// validator module as an ordinary script and validates with it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { chromium } from 'playwright-core'

const PKG = new URL('../../pkg/', import.meta.url).pathname
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' }
const PAGE = `<!doctype html><meta charset="utf-8"><title>llm-schema-registry in a page</title>
<script type="module">
  import { Validator, checkCompatibility, fingerprint, exportFor, parseModelOutput, StreamValidator } from '/pkg/browser-full.js'
  const v = new Validator({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] })
  const avro = new Validator({ type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }] }, { type: 'avro' })
  window.results = {
    good: v.validate({ n: 1 }),
    bad: v.validate({ n: 'one' }),
    avroGood: avro.isValid({ s: 'x' }),
    avroBad: avro.validate({ s: 1 }),
    compat: checkCompatibility({ type: 'integer' }, [{ type: 'number' }], 'BACKWARD', 'json').compatible,
    fingerprint: fingerprint({ type: 'string' }),
    tool: exportFor('openai', { type: 'object', properties: { n: { type: 'integer' } } }, { as: 'tool', name: 'count' }).fragment,
    output: parseModelOutput('The answer: {"n": "one"}', v),
    stream: new StreamValidator(v).push('{"n": "'),
  }
  document.body.textContent = JSON.stringify(window.results)
</script>`

function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

// The page `server` serves at /, once its script has set window.results; its uncaught errors.
async function open(browser, server) {
  const page = await browser.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`http://127.0.0.1:${server.address().port}/`)
  await page.waitForFunction(() => window.results !== undefined, null, { timeout: 60_000 })
  return { page, errors }
}

// A server of the package under /pkg/ and of what `special` answers (true when it did).
function serve(special) {
  const server = createServer(async (req, res) => {
    try {
      if (await special(req, res)) return
      const rel = normalize(decodeURIComponent(req.url.split('?')[0])).replace(/^\/pkg\//, '')
      if (rel.startsWith('..')) throw new Error('outside the package')
      const body = await readFile(join(PKG, rel))
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

// The default (slim) entry point: JSON Schema as generated JavaScript, schemas checked with
// the generated meta-schema validators, Avro in WebAssembly; Protobuf refused.
const SLIM_PAGE = `<!doctype html><meta charset="utf-8"><title>llm-schema-registry, slim</title>
<script type="module">
  import { Validator, build, checkCompatibility, parseModelOutput } from '/pkg/browser.js'
  const v = new Validator({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] })
  const avro = new Validator({ type: 'record', name: 'R', fields: [{ name: 's', type: 'string' }] }, { type: 'avro' })
  const code = (f) => { try { f(); return 'none' } catch (e) { return e.code } }
  window.results = {
    build: build(),
    engine: v.engine,
    bad: v.validate({ n: 'one' }),
    avroBad: avro.validate({ s: 1 }),
    compat: checkCompatibility({ type: 'integer' }, [{ type: 'number' }], 'BACKWARD', 'json').compatible,
    output: parseModelOutput('The answer: {"n": "one"}', v),
    invalidSchema: code(() => new Validator({ type: 12 })),
    protobuf: code(() => new Validator('syntax = "proto3"; message M {}', { type: 'protobuf' })),
  }
  document.body.textContent = JSON.stringify(window.results)
</script>`

// A page with the package's features (`page`: the full build's, by default).
function servePage(page = PAGE) {
  return serve(async (req, res) => {
    if (req.url !== '/') return false
    res.writeHead(200, { 'content-type': 'text/html' }).end(page)
    return true
  })
}

test('the slim build validates in headless Chromium', { timeout: 120_000 }, async () => {
  const server = await servePage(SLIM_PAGE)
  const browser = await launch()
  try {
    const { page, errors } = await open(browser, server)
    const r = await page.evaluate(() => window.results)
    assert.deepEqual(errors, [])
    assert.equal(r.build, 'slim')
    assert.equal(r.engine, 'js')
    assert.deepEqual(r.bad.errors.map((e) => e.instancePath), ['/n'])
    assert.equal(r.avroBad.errors[0].instancePath, '/s')
    assert.equal(r.compat, false)
    assert.equal(r.output.valid, false)
    assert.match(r.output.repair, /at \/n/)
    assert.equal(r.invalidSchema, 'INVALID_SCHEMA')
    assert.equal(r.protobuf, 'UNSUPPORTED')
  } finally {
    await browser.close()
    server.close()
  }
})

test('the browser build validates in headless Chromium', { timeout: 120_000 }, async () => {
  const server = await servePage()
  const browser = await launch()
  try {
    const { page, errors } = await open(browser, server)
    const r = await page.evaluate(() => window.results)
    assert.deepEqual(errors, [])
    assert.deepEqual(r.good, { valid: true, errors: [] })
    assert.equal(r.bad.valid, false)
    assert.equal(r.bad.errors[0].instancePath, '/n')
    assert.equal(r.avroGood, true)
    assert.equal(r.avroBad.errors[0].instancePath, '/s')
    assert.equal(r.compat, false)
    assert.match(r.fingerprint, /^[0-9a-f]{64}$/)
    assert.equal(r.tool.function.name, 'count')
    assert.deepEqual(r.tool.function.parameters.required, ['n'])
    assert.equal(r.output.output.found, 'embedded')
    assert.match(r.output.repair, /at \/n/)
    assert.equal(r.stream.instancePath, '/n')
  } finally {
    await browser.close()
    server.close()
  }
})

const STRICT = "default-src 'none'; script-src 'self'; connect-src 'self'"

const CSP_APP = (id) => `import { loadValidator } from '/pkg/module.js'
const url = '/registry/schemas/ids/${id}/validator.mjs'
const direct = await import(url)
const viaPackage = await loadValidator(url)
let evalBlocked = false
try { new Function('return 1')() } catch (e) { evalBlocked = e instanceof EvalError }
let wasmBlocked = false
try { await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])) } catch { wasmBlocked = true }
const values = [{ prompt: 'hi', n: 2 }, { prompt: '', n: 0, extra: 1 }, { n: 'x' }]
window.results = {
  evalBlocked,
  wasmBlocked,
  direct: values.map((v) => ({ valid: direct.isValid(v), errors: direct.validate(v) })),
  viaPackage: values.map((v) => viaPackage.validate(v)),
  values,
}`

// The strict page and its script; /registry/ passed through to the registry (the same origin
// for the page, as a registry behind the site's host would be).
function serveStrict(registry, id) {
  return serve(async (req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': STRICT })
      res.end('<!doctype html><meta charset="utf-8"><title>strict</title><script type="module" src="/app.js"></script>')
    } else if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(CSP_APP(id))
    } else if (req.url.startsWith('/registry/')) {
      const upstream = await fetch(registry + req.url.slice('/registry'.length))
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') })
      res.end(Buffer.from(await upstream.arrayBuffer()))
    } else {
      return false
    }
    return true
  })
}

test('a strict-CSP page validates with a registry\'s generated module', { timeout: 120_000 }, async (t) => {
  const registry = process.env.REGISTRY_URL
  if (!registry) {
    t.skip('REGISTRY_URL is not set')
    return
  }
  const schema = { type: 'object', properties: { prompt: { type: 'string', minLength: 1 }, n: { type: 'integer', minimum: 1 } }, required: ['prompt'], additionalProperties: false }
  const r = await fetch(`${registry}/subjects/csp-page-${Date.now()}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schemaType: 'JSON', schema: JSON.stringify(schema) }),
  })
  assert.equal(r.status, 200, await r.clone().text())
  const { id } = await r.json()
  const server = await serveStrict(registry, id)
  const browser = await launch()
  try {
    const { page, errors } = await open(browser, server)
    const got = await page.evaluate(() => window.results)
    assert.deepEqual(errors, [])
    assert.equal(got.evalBlocked, true, 'the policy forbids eval')
    assert.equal(got.wasmBlocked, true, 'the policy forbids WebAssembly')
    for (const [i, value] of got.values.entries()) {
      const answer = await (
        await fetch(`${registry}/schemas/ids/${id}/validate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(value),
        })
      ).json()
      const expected = { valid: answer.results[0].valid, errors: answer.results[0].errors ?? [] }
      assert.deepEqual(got.direct[i], expected, JSON.stringify(value))
      assert.deepEqual(got.viaPackage[i], expected)
    }
    assert.equal(got.direct[0].valid, true)
    assert.equal(got.direct[1].errors.length, 3)
  } finally {
    await browser.close()
    server.close()
  }
})
