// Soak: a steady, moderate load for a long time (full plan 2 h; scaled by DURATION_SCALE),
// the baseline mix at a constant arrival rate. Latency over time comes from k6's per-request
// output (--out csv=...); the origin's memory over time from its process metrics, sampled here
// every 10 s from /metrics (process_resident_memory_bytes) into `origin_rss_mb`.
//
//   API_URL=http://127.0.0.1:8081 API_KEY=... SEEDED=10000 RATE=500 k6 run k6/soak_test.js
import http from 'k6/http'
import { sleep } from 'k6'
import { Trend } from 'k6/metrics'
import {
  API, HEADERS, SEEDED, dur, operations, record, get, post, pick, randomSeeded, subjectName,
  schemaText, freshSubject, GOOD_PAYLOAD,
} from './lib/registry.js'

const ops = operations(['read_by_id', 'read_version', 'validate', 'register'])
const rss = new Trend('origin_rss_mb')
const RATE = Number(__ENV.RATE || 500)

export const options = {
  summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'p(99.9)', 'max'],
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: dur(7200),
      preAllocatedVUs: 50,
      maxVUs: 200,
      exec: 'soak',
    },
    memory: {
      executor: 'constant-vus',
      vus: 1,
      duration: dur(7200),
      exec: 'memory',
    },
  },
  thresholds: {
    op_read_by_id_ms: ['p(99)<2'],
    op_read_by_id_errors: ['rate<0.001'],
    op_register_errors: ['rate<0.001'],
    origin_rss_mb: ['max<100'],
  },
}

export function soak() {
  const op = pick({ read_by_id: 50, read_version: 20, validate: 20, register: 10 })
  const i = randomSeeded() - 1
  if (op === 'read_by_id') record(ops, op, get(`/schemas/ids/${randomSeeded()}`, op))
  else if (op === 'read_version') record(ops, op, get(`/subjects/${subjectName(i)}/versions/latest`, op))
  else if (op === 'validate') record(ops, op, post(`/subjects/${subjectName(i)}/versions/latest/validate`, { payloads: [GOOD_PAYLOAD] }, op))
  else record(ops, op, post(`/subjects/${freshSubject('soak')}/versions`, { schema: schemaText(SEEDED + Math.floor(Math.random() * 1e9)) }, op))
}

export function memory() {
  const res = http.get(`${API}/metrics`, { headers: HEADERS, tags: { name: 'metrics' } })
  const m = /^process_resident_memory_bytes\s+([0-9.e+]+)/m.exec(res.body || '')
  if (m) rss.add(Number(m[1]) / 1048576)
  sleep(10)
}
