// Stress: 90% reads, 10% writes, in stages of rising concurrency up to saturation, then a
// spike above it and recovery. Full plan 30 min; scaled by DURATION_SCALE. Shedding (503 with
// Retry-After) is an expected answer under overload and is counted apart from errors.
//
//   API_URL=http://127.0.0.1:8081 API_KEY=... SEEDED=10000 k6 run k6/stress_test.js
import { Counter } from 'k6/metrics'
import {
  SEEDED, dur, operations, record, get, post, pick, randomSeeded, subjectName, schemaText, freshSubject,
} from './lib/registry.js'

const ops = operations(['read_by_id', 'read_latest', 'register'])
const shed = new Counter('shed_503')
const PEAK = Number(__ENV.PEAK_VUS || 200)

export const options = {
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'p(99.9)', 'max'],
  scenarios: {
    stress: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: dur(180), target: Math.round(PEAK / 8) },
        { duration: dur(240), target: Math.round(PEAK / 8) },
        { duration: dur(180), target: Math.round(PEAK / 4) },
        { duration: dur(240), target: Math.round(PEAK / 4) },
        { duration: dur(180), target: Math.round(PEAK / 2) },
        { duration: dur(240), target: Math.round(PEAK / 2) },
        { duration: dur(180), target: PEAK },
        { duration: dur(240), target: PEAK },
        { duration: dur(30), target: PEAK * 2 }, // the spike
        { duration: dur(120), target: PEAK * 2 },
        { duration: dur(30), target: Math.round(PEAK / 8) }, // recovery
        { duration: dur(180), target: Math.round(PEAK / 8) },
        { duration: dur(30), target: 0 },
      ],
      gracefulRampDown: '5s',
    },
  },
  thresholds: {
    op_read_by_id_errors: ['rate<0.01'],
    op_read_latest_errors: ['rate<0.01'],
    op_register_errors: ['rate<0.01'],
  },
}

export default function () {
  const op = pick({ read_by_id: 60, read_latest: 30, register: 10 })
  let res
  if (op === 'read_by_id') {
    res = get(`/schemas/ids/${randomSeeded()}`, op)
  } else if (op === 'read_latest') {
    res = get(`/subjects/${subjectName(randomSeeded() - 1)}/versions/latest`, op)
  } else {
    res = post(`/subjects/${freshSubject('stress')}/versions`, { schema: schemaText(SEEDED + Math.floor(Math.random() * 1e9)) }, op)
  }
  if (res.status === 503) shed.add(1)
  // Shed requests are the overload answer, not failures of the operation.
  record(ops, op, res, [200, 503])
}
