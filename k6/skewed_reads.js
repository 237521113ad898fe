// GET /schemas/ids/{id} with a skewed popularity, as real serializer traffic has: id =
// 1 + floor(SEEDED * u^3), so the top 1% of ids get ~22% of reads and the top 10% ~46%.
// A fixed number of requests (ITERATIONS) so phases compare. Used by scripts/bench-discovery.sh
// to measure the cache hit rate cold, after warm-up, and in steady state.
import http from 'k6/http'
import { API, HEADERS, operations, record } from './lib/registry.js'

const ops = operations(['read'])
const SEEDED = Number(__ENV.SEEDED || 100000)

export const options = {
  scenarios: {
    reads: {
      executor: 'shared-iterations',
      vus: Number(__ENV.VUS || 8),
      iterations: Number(__ENV.ITERATIONS || 20000),
      maxDuration: '5m',
    },
  },
  summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max'],
}

export default function () {
  const u = Math.random()
  const id = 1 + Math.floor(SEEDED * u * u * u)
  record(ops, 'read', http.get(`${API}/schemas/ids/${id}`, { headers: HEADERS, tags: { name: 'read' } }))
}
