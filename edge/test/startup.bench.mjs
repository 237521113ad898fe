// Start-up and hit-path figures of Worker builds, side by side in one run: for each build
// directory given, workerd (miniflare) is started a few times and timed to its first answer
// (the wasm module compiled and instantiated), then a cached read is timed; sizes raw and
// gzipped. No origin is needed: the read is a KV hit seeded before the first request.
//
//   (cd edge/test && node startup.bench.mjs ../build [other/build ...])
import { Miniflare } from 'miniflare'
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'

const builds = process.argv.slice(2)
const RUNS = 5
const HITS = 2000
const KEY = 'types'
const BODY = '["AVRO","JSON","PROTOBUF"]'

async function measure(dir) {
  const root = resolve(dir)
  const wasm = readFileSync(join(root, readdirSync(root).find((f) => f.endsWith('.wasm'))))
  const starts = []
  let perHit = 0
  for (let run = 0; run < RUNS; run++) {
    const kv = mkdtempSync(join(tmpdir(), 'edge-bench-'))
    const started = performance.now()
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(root, 'index.js'),
      modulesRoot: root,
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2026-04-01',
      kvNamespaces: ['REGISTRY_KV'],
      kvPersist: kv,
      bindings: { ORIGIN_URL: 'http://127.0.0.1:9', INVALIDATION_SECRET: 'bench', BUILD_VERSION: 'bench' },
    })
    const ns = await mf.getKVNamespace('REGISTRY_KV')
    await ns.put(KEY, JSON.stringify({ body: BODY, etag: '"t"', cache_control: 'public, max-age=31536000, immutable', content_type: null, stored_at: Date.now() }))
    const first = await mf.dispatchFetch('http://edge.test/schemas/types')
    if ((await first.text()) !== BODY) throw new Error(`${dir}: the first read was not the KV entry`)
    starts.push(performance.now() - started)
    if (run === RUNS - 1) {
      const t0 = performance.now()
      for (let i = 0; i < HITS; i++) await (await mf.dispatchFetch('http://edge.test/schemas/types')).text()
      perHit = (performance.now() - t0) / HITS
    }
    await mf.dispose()
    rmSync(kv, { recursive: true, force: true })
  }
  starts.sort((a, b) => a - b)
  return { dir, raw: wasm.length, gz: gzipSync(wasm, { level: 9 }).length, start: starts[Math.floor(RUNS / 2)], perHit }
}

console.log(`| build | wasm raw | wasm gzipped | start-up to first answer (median of ${RUNS}) | request through the Worker |`)
console.log('|---|---:|---:|---:|---:|')
for (const dir of builds) {
  const m = await measure(dir)
  console.log(`| ${m.dir} | ${(m.raw / 1e6).toFixed(2)} MB | ${(m.gz / 1e6).toFixed(2)} MB | ${m.start.toFixed(0)} ms | ${(m.perHit * 1000).toFixed(0)} us |`)
}
