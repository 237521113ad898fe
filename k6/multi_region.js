// Multi-region: writes at the origin, reads from N edges (each a "region" with its own KV).
// Reports how long a new version takes to be served as `latest` by every edge (p50/p95/p99)
// and the stale-read rate (an edge answering an older version than the origin, read just
// before it).
//
//   API_URL=http://127.0.0.1:8081 EDGE_URLS=http://127.0.0.1:8787,http://127.0.0.1:8788 \
//     k6 run k6/multi_region.js            (DURATION_SCALE=0.2 for a quick run; API_KEY optional)
import http from 'k6/http'
import { check, sleep } from 'k6'
import { Trend, Rate, Counter } from 'k6/metrics'

const API = __ENV.API_URL || 'http://127.0.0.1:8081'
const EDGES = (__ENV.EDGE_URLS || 'http://127.0.0.1:8787').split(',').filter(Boolean)
const SCALE = Number(__ENV.DURATION_SCALE || 1)
const DURATION = `${Math.max(10, Math.round(120 * SCALE))}s`
const HEADERS = Object.assign(
  { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
  __ENV.API_KEY ? { Authorization: `Bearer ${__ENV.API_KEY}` } : {},
)

const propagation = new Trend('propagation_ms', true)
const propagationPerEdge = EDGES.map((_, i) => new Trend(`propagation_edge_${i}_ms`, true))
const stale = new Rate('stale_reads')
const writes = new Counter('writes')

export const options = {
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
  scenarios: {
    writer: { executor: 'constant-vus', vus: 1, duration: DURATION, exec: 'writer' },
    readers: { executor: 'constant-vus', vus: Math.max(2, EDGES.length * 2), duration: DURATION, exec: 'reader' },
  },
  thresholds: {
    propagation_ms: ['p(95)<2000', 'p(99)<5000'],
    stale_reads: ['rate<0.2'],
    http_req_failed: ['rate<0.01'],
  },
}

function schema(n) {
  const fields = []
  for (let i = 0; i <= n; i++) fields.push({ name: `f${i}`, type: ['null', 'string'], default: null })
  return JSON.stringify({ type: 'record', name: 'Region', namespace: 'k6', fields })
}

let version = 0

// One subject for every VU (init code runs once per VU, so the name comes from setup()).
export function setup() {
  return { subject: `multi-region-${Date.now()}` }
}

export function writer({ subject: SUBJECT }) {
  version += 1
  const r = http.post(`${API}/subjects/${SUBJECT}/versions`, JSON.stringify({ schema: schema(version) }), { headers: HEADERS })
  if (!check(r, { 'registered': (x) => x.status === 200 })) return
  writes.add(1)
  const expected = r.json('version')
  const start = Date.now()
  const pending = new Set(EDGES.map((_, i) => i))
  while (pending.size > 0 && Date.now() - start < 10000) {
    for (const i of Array.from(pending)) {
      const e = http.get(`${EDGES[i]}/subjects/${SUBJECT}/versions/latest`, { headers: HEADERS, tags: { name: 'edge latest (writer poll)' } })
      if (e.status === 200 && e.json('version') >= expected) {
        const ms = Date.now() - start
        propagation.add(ms)
        propagationPerEdge[i].add(ms)
        pending.delete(i)
      }
    }
    sleep(0.005)
  }
  sleep(0.5)
}

export function reader({ subject: SUBJECT }) {
  // Before the first write there is nothing to read yet.
  if (version === 0 && http.get(`${API}/subjects/${SUBJECT}/versions`, { headers: HEADERS, tags: { name: 'origin versions' }, responseCallback: http.expectedStatuses(200, 404) }).status === 404) {
    sleep(0.1)
    return
  }
  const o = http.get(`${API}/subjects/${SUBJECT}/versions/latest`, { headers: HEADERS, tags: { name: 'origin latest' } })
  const edge = EDGES[Math.floor(Math.random() * EDGES.length)]
  const e = http.get(`${edge}/subjects/${SUBJECT}/versions/latest`, { headers: HEADERS, tags: { name: 'edge latest' } })
  if (o.status === 200 && e.status === 200) stale.add(e.json('version') < o.json('version'))
  sleep(0.05)
}
