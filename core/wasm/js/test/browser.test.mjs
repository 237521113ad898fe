// The browser build loaded in a real headless Chromium (Debian's, driven by playwright-core):
// a page imports the package's ES module entry, validates, checks compatibility, fingerprints,
// exports for an LLM provider, checks a model's output and streams one.
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
  import { Validator, checkCompatibility, fingerprint, exportFor, parseModelOutput, StreamValidator } from '/pkg/browser.js'
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

function serve() {
  const server = createServer(async (req, res) => {
    try {
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE)
        return
      }
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

test('the browser build validates in headless Chromium', { timeout: 120_000 }, async () => {
  const server = await serve()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const page = await browser.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`http://127.0.0.1:${server.address().port}/`)
    await page.waitForFunction(() => window.results !== undefined, null, { timeout: 60_000 })
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
