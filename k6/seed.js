// Seeds subjects perf-<FROM>-value .. perf-<TO - 1>-value, one Avro version each, as fast as
// VUS clients can register them: its summary is the registration throughput with distinct
// subjects (op_register_count / duration).
//
//   API_URL=http://127.0.0.1:8081 FROM=0 TO=10000 VUS=32 k6 run k6/seed.js
import exec from 'k6/execution'
import { operations, record, post, subjectName, schemaText } from './lib/registry.js'

const FROM = Number(__ENV.FROM || 0)
const TO = Number(__ENV.TO || 1000)
const ops = operations(['register'])

export const options = {
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'p(99.9)', 'max'],
  scenarios: {
    seed: {
      executor: 'shared-iterations',
      vus: Number(__ENV.VUS || 32),
      iterations: Math.max(1, TO - FROM),
      maxDuration: '2h',
    },
  },
  thresholds: { op_register_errors: ['rate<0.001'] },
}

export default function () {
  const i = FROM + exec.scenario.iterationInTest
  const res = post(`/subjects/${subjectName(i)}/versions`, { schema: schemaText(i) }, 'register')
  record(ops, 'register', res)
}
