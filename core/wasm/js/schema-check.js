// Whether a JSON Schema is a schema, for the slim build (which has no Rust validator): checked
// against its draft's meta-schema by the validators the core generated from the meta-schemas the
// registry's validator bundles (meta/*.js), with the registry's wording for the first problem.
import * as draft4 from './meta/draft4.js'
import * as draft6 from './meta/draft6.js'
import * as draft7 from './meta/draft7.js'
import * as draft201909 from './meta/draft2019-09.js'
import * as draft202012 from './meta/draft2020-12.js'

// `$schema` URIs as the registry reads them: http or https, with or without a trailing '#';
// the version-less URI is the current draft.
const DRAFTS = new Map()
for (const [paths, meta] of [
  [['draft/2020-12/schema', 'schema'], draft202012],
  [['draft/2019-09/schema'], draft201909],
  [['draft-07/schema'], draft7],
  [['draft-06/schema'], draft6],
  [['draft-04/schema'], draft4],
]) {
  for (const path of paths) {
    for (const scheme of ['http', 'https']) DRAFTS.set(`${scheme}://json-schema.org/${path}`, meta)
  }
}

function failure(code, message) {
  const err = new Error(message)
  err.code = code
  return err
}

/**
 * Throws INVALID_SCHEMA (with the registry's message) when `text` is JSON but not a schema of
 * its draft, UNSUPPORTED for a custom meta-schema; returns otherwise (text that is not JSON, or
 * neither an object nor a boolean, is left to the core, which words those errors).
 */
export function checkSchema(text) {
  let schema
  try {
    schema = JSON.parse(text)
  } catch {
    return
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return
  let meta = draft7 // a schema without $schema is draft 7, as the registry reads it
  if (Object.hasOwn(schema, '$schema')) {
    const uri = schema.$schema
    meta = typeof uri === 'string' ? DRAFTS.get(uri.replace(/#+$/, '')) : undefined
    if (meta === undefined) {
      throw failure('UNSUPPORTED', `a custom meta-schema (${JSON.stringify(uri)}) is resolved by the full build: import 'llm-schema-registry/full'`)
    }
  }
  const errors = meta.validate(schema)
  if (errors.length > 0) {
    const [first] = errors
    const at = first.schemaPath === '' ? '' : ` (at ${first.schemaPath})`
    throw failure('INVALID_SCHEMA', `invalid JSON Schema: ${first.message}${at}`)
  }
}
