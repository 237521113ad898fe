// Baseline: the expected production mix at a steady, moderate load. 60% reads (a schema by
// id, a subject's version), 20% validation of a payload, 15% registration of a new subject,
// 5% compatibility checks. Full plan 12 min (2 ramp-up, 8 steady, 2 ramp-down); scaled by
// DURATION_SCALE. Needs subjects seeded by seed.js (SEEDED of them).
//
//   API_URL=http://127.0.0.1:8081 API_KEY=... SEEDED=10000 k6 run k6/baseline_load.js
import { sleep } from 'k6'
import {
  SEEDED, dur, operations, record, get, post, pick, randomSeeded, subjectName, schemaText,
  freshSubject, GOOD_PAYLOAD, BAD_PAYLOAD,
} from './lib/registry.js'

const NAMES = ['read_by_id', 'read_version', 'validate', 'register', 'compatibility']
const ops = operations(NAMES)
const VUS = Number(__ENV.VUS || 20)

export const options = {
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'p(99.9)', 'max'],
  scenarios: {
    baseline: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: dur(120), target: VUS },
        { duration: dur(480), target: VUS },
        { duration: dur(120), target: 0 },
      ],
      gracefulRampDown: '5s',
    },
  },
  // From the performance targets: cached reads p99 under 2 ms at moderate load; no errors.
  thresholds: {
    op_read_by_id_ms: ['p(99)<2'],
    op_read_by_id_errors: ['rate<0.001'],
    op_read_version_errors: ['rate<0.001'],
    op_validate_errors: ['rate<0.001'],
    op_register_errors: ['rate<0.001'],
    op_compatibility_errors: ['rate<0.001'],
  },
}

export default function () {
  const op = pick({ read_by_id: 40, read_version: 20, validate: 20, register: 15, compatibility: 5 })
  const i = randomSeeded() - 1
  switch (op) {
    case 'read_by_id':
      record(ops, op, get(`/schemas/ids/${randomSeeded()}`, op))
      break
    case 'read_version':
      record(ops, op, get(`/subjects/${subjectName(i)}/versions/${Math.random() < 0.5 ? 1 : 'latest'}`, op))
      break
    case 'validate': {
      const payloads = Math.random() < 0.8 ? [GOOD_PAYLOAD] : [BAD_PAYLOAD]
      record(ops, op, post(`/subjects/${subjectName(i)}/versions/latest/validate`, { payloads }, op))
      break
    }
    case 'register': {
      const n = SEEDED + Math.floor(Math.random() * 1e9)
      record(ops, op, post(`/subjects/${freshSubject('baseline')}/versions`, { schema: schemaText(n) }, op))
      break
    }
    case 'compatibility':
      record(ops, op, post(`/compatibility/subjects/${subjectName(i)}/versions/latest`, { schema: schemaText(i, 1) }, op))
      break
  }
  sleep(0.01)
}
