// GET /search at a fixed concurrency over a mix of queries: a word that names one subject,
// common prefixes, a filter by type or tag, and listing without words. Run by
// scripts/bench-discovery.sh against a registry of SEEDED schemas from its generator.
import http from 'k6/http'
import { API, HEADERS, operations, record } from './lib/registry.js'

const ops = operations(['search'])
const SEEDED = Number(__ENV.SEEDED || 100000)

export const options = {
  scenarios: {
    search: { executor: 'constant-vus', vus: Number(__ENV.VUS || 4), duration: __ENV.DURATION || '20s' },
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
}

const WORDS = ['order', 'customer', 'payment', 'invoice', 'shipment', 'inventory', 'refund', 'account']

export default function () {
  const n = 1 + Math.floor(Math.random() * SEEDED)
  const word = WORDS[Math.floor(Math.random() * WORDS.length)]
  const queries = [
    `q=entity${n}`,
    `q=${word}`,
    `q=${word}%20status`,
    `q=${word}&type=AVRO`,
    `q=${word.slice(0, 4)}&tag=pii`,
    `subjectPrefix=${word}&limit=50`,
  ]
  const q = queries[Math.floor(Math.random() * queries.length)]
  record(ops, 'search', http.get(`${API}/search?${q}`, { headers: HEADERS, tags: { name: 'search' } }))
}
