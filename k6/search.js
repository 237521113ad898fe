// GET /search at a fixed concurrency over a mix of queries, each kind measured apart too: a
// word that names one subject, a word in an eighth of the schemas (alone, with a second word,
// with a type filter), a prefix with a tag filter, and listing by subject prefix without words. Run by
// scripts/bench-discovery.sh against a registry of SEEDED schemas from its generator.
import http from 'k6/http'
import { API, HEADERS, operations, record } from './lib/registry.js'

const KINDS = ['one_subject', 'common_word', 'two_words', 'word_and_type', 'prefix_and_tag', 'list_by_prefix']
const ops = operations(['search', ...KINDS])
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
  const k = Math.floor(Math.random() * queries.length)
  const res = http.get(`${API}/search?${queries[k]}`, { headers: HEADERS, tags: { name: 'search' } })
  record(ops, 'search', res)
  record(ops, KINDS[k], res)
}
