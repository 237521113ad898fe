// Shared by the k6 scenarios: the target (API_URL, API_KEY), duration scaling
// (DURATION_SCALE: 1 = the full plan, smaller for a quick run), per-operation metrics, and the
// schemas and payloads the seeded registry holds (k6/seed.js).
import http from 'k6/http'
import { Trend, Rate, Counter } from 'k6/metrics'

export const API = (__ENV.API_URL || 'http://127.0.0.1:8081').replace(/\/$/, '')
export const SCALE = Number(__ENV.DURATION_SCALE || 1)
// Subjects seeded by seed.js (perf-0000000-value ... ), their schema ids 1..SEEDED.
export const SEEDED = Number(__ENV.SEEDED || 1000)
export const HEADERS = Object.assign(
  { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
  __ENV.API_KEY ? { Authorization: `Bearer ${__ENV.API_KEY}` } : {},
)

// A duration of `seconds` in the full plan, scaled (at least 2 s).
export function dur(seconds) {
  return `${Math.max(2, Math.round(seconds * SCALE))}s`
}

// The Trend/Rate/Counter triple of each named operation; must run in the init context.
export function operations(names) {
  const ops = {}
  for (const name of names) {
    ops[name] = {
      latency: new Trend(`op_${name}_ms`, true),
      errors: new Rate(`op_${name}_errors`),
      count: new Counter(`op_${name}_count`),
    }
  }
  return ops
}

// Records `res` under operation `name`; `ok` lists the statuses that count as success.
export function record(ops, name, res, ok = [200]) {
  const op = ops[name]
  op.latency.add(res.timings.duration)
  op.count.add(1)
  const failed = !ok.includes(res.status)
  op.errors.add(failed)
  return !failed
}

export function subjectName(i) {
  return `perf-${String(i).padStart(7, '0')}-value`
}

// The schema of seeded subject i (an LLM completion record, distinct per subject).
export function schemaText(i, extraFields = 0) {
  const fields = [
    { name: 'id', type: 'string' },
    { name: 'model', type: 'string' },
    { name: 'prompt_tokens', type: 'int' },
    { name: 'completion_tokens', type: 'int' },
    { name: 'text', type: ['null', 'string'], default: null },
  ]
  for (let f = 0; f < extraFields; f++) fields.push({ name: `extra${f}`, type: ['null', 'string'], default: null })
  return JSON.stringify({ type: 'record', name: `Completion${i}`, namespace: 'perf.llm', fields })
}

export const GOOD_PAYLOAD = { id: 'c-1', model: 'm', prompt_tokens: 12, completion_tokens: 40, text: 'hello' }
export const BAD_PAYLOAD = { id: 'c-1', model: 7, prompt_tokens: 'many' }

export function randomSeeded() {
  return 1 + Math.floor(Math.random() * SEEDED)
}

// Picks an operation by weight: pick({read: 60, write: 40}).
export function pick(weights) {
  let total = 0
  for (const w of Object.values(weights)) total += w
  let r = Math.random() * total
  for (const [name, w] of Object.entries(weights)) {
    r -= w
    if (r < 0) return name
  }
  return Object.keys(weights)[0]
}

export function get(path, name) {
  return http.get(`${API}${path}`, { headers: HEADERS, tags: { name } })
}

export function post(path, body, name) {
  return http.post(`${API}${path}`, JSON.stringify(body), { headers: HEADERS, tags: { name } })
}

// A subject name unique to this run, VU and iteration (for registrations of new subjects).
export function freshSubject(prefix) {
  return `${prefix}-${__ENV.RUN_ID || 'run'}-${__VU}-${__ITER}-${Math.floor(Math.random() * 1e9)}-value`
}
