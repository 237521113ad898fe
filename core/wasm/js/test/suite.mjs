// The conformance data the package's tests read: tests/data/, files under a folder, and the
// JSON-Schema-Test-Suite's remote documents as references under the URIs the suite uses.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const DATA = new URL('../../../../tests/data/', import.meta.url).pathname

export function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

export const remotes = Object.fromEntries(
  walk(join(DATA, 'json-schema-test-suite/remotes'))
    .filter((p) => p.endsWith('.json'))
    .map((p) => [`http://localhost:1234/${p.slice(join(DATA, 'json-schema-test-suite/remotes/').length)}`, JSON.parse(readFileSync(p, 'utf8'))]),
)
