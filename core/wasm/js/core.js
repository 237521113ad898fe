// The package's API over the WebAssembly core. Values cross into WebAssembly as JSON text;
// errors come back as JS Errors with a `code`. A trap inside the module (a Rust panic) is
// rethrown as an Error with code 'INTERNAL' instead of escaping as a RuntimeError.

let wasm = null

/** Called once by the entry point (node.js or browser.js) with the initialised module. */
export function bind(module) {
  wasm = module
}

function guarded(fn) {
  try {
    return fn()
  } catch (err) {
    if (err instanceof Error && typeof err.code === 'string') throw err
    const wrapped = new Error(`llm-schema-registry internal error: ${err && err.message ? err.message : err}`)
    wrapped.code = 'INTERNAL'
    wrapped.cause = err
    throw wrapped
  }
}

// A schema given as a string is schema text; any other value is the schema itself.
const asText = (value) => (typeof value === 'string' ? value : JSON.stringify(value))

function toJson(value) {
  const text = JSON.stringify(value)
  if (text === undefined) {
    const err = new Error(`cannot validate ${typeof value}: it has no JSON form`)
    err.code = 'INVALID_JSON'
    throw err
  }
  return text
}
const typeName = (type) => {
  const t = String(type ?? 'json').toLowerCase()
  return t === 'jsonschema' ? 'json' : t
}

/** A schema compiled once; validate many values. */
export class Validator {
  /**
   * @param {string|object} schema the schema (JSON text or an object)
   * @param {{type?: 'json'|'avro'|'protobuf', references?: object|Array}} [options]
   */
  constructor(schema, { type = 'json', references } = {}) {
    const refs = references === undefined ? '' : JSON.stringify(references)
    this.type = typeName(type)
    this.inner = guarded(() => new wasm.CompiledValidator(asText(schema), this.type, refs))
  }

  /** Every problem of the JS value `value`: `{valid, errors: [{instancePath, schemaPath, message}]}`. */
  validate(value) {
    return this.validateJson(toJson(value))
  }

  /** Whether the JS value `value` is valid, without building errors (the fast path). */
  isValid(value) {
    return this.isValidJson(toJson(value))
  }

  /** `validate` for a value given as JSON text (e.g. a message body as received). */
  validateJson(text) {
    return JSON.parse(guarded(() => this.inner.validate(text)))
  }

  /** `isValid` for a value given as JSON text: no JS object is built. */
  isValidJson(text) {
    return guarded(() => this.inner.isValid(text))
  }

  /** Frees the compiled schema now rather than at garbage collection. */
  free() {
    this.inner.free()
  }
}

/**
 * Checks `newSchema` against `existingSchemas` (oldest first) at `level` (e.g. 'BACKWARD').
 * @returns {{compatible: boolean, messages: string[], incompatibilities: Array}}
 */
export function checkCompatibility(newSchema, existingSchemas, level = 'BACKWARD', type = 'json') {
  const existing = JSON.stringify(existingSchemas.map(asText))
  return JSON.parse(guarded(() => wasm.checkCompatibility(asText(newSchema), existing, String(level), typeName(type))))
}

/** The registry fingerprint of a schema: hex SHA-256 over its type, canonical form and references. */
export function fingerprint(schema, type = 'json', { normalize = false } = {}) {
  return guarded(() => wasm.fingerprint(asText(schema), typeName(type), normalize))
}

/** Whether a provider's answer came back with diagnostics: throws them as one Error. */
function fitted(answer, provider) {
  if (answer.ok) return answer
  const err = new Error(`the schema does not fit ${provider}: ` + answer.diagnostics.map((d) => `${d.message} at '${d.path}'`).join('; '))
  err.code = 'DOES_NOT_FIT'
  err.diagnostics = answer.diagnostics
  throw err
}

/** Every way `schema` does not fit `provider`'s profile (`[]` when it fits). */
export function lint(schema, provider) {
  return JSON.parse(guarded(() => wasm.llmLint(asText(schema), String(provider))))
}

/** `schema` made to fit `provider`: `{schema, changes}`; throws (code DOES_NOT_FIT, with `diagnostics`) where it cannot. */
export function transform(schema, provider) {
  const { schema: out, changes } = fitted(JSON.parse(guarded(() => wasm.llmTransform(asText(schema), String(provider)))), provider)
  return { schema: out, changes }
}

/**
 * `schema` as `provider`'s request fragment (`as`: 'response_format' or 'tool'):
 * `{fragment, changes}`; throws (code DOES_NOT_FIT, with `diagnostics`) where it cannot fit.
 */
export function exportFor(provider, schema, { as = 'response_format', name = '', description = '' } = {}) {
  const answer = guarded(() => wasm.llmExport(asText(schema), String(provider), String(as), String(name), String(description)))
  const { fragment, changes } = fitted(JSON.parse(answer), provider)
  return { fragment, changes }
}

/** The LLM profiles with their rules and the documentation each comes from. */
export function profiles() {
  return JSON.parse(guarded(() => wasm.llmProfiles()))
}

/**
 * The JSON value in a model's raw `text` (fenced, in prose, several candidates, truncated),
 * checked by `validator`: `{valid, value, errors, output: {found, start, end, candidates,
 * truncated, problem}, repair}`. Nothing is repaired; `repair` is text for a retry prompt.
 */
export function parseModelOutput(text, validator) {
  return JSON.parse(guarded(() => validator.inner.checkOutput(String(text))))
}

/**
 * A validator fed a model's output as it streams: `push(chunk)` returns the first error as soon
 * as the text can no longer become valid (`null` until then); `finish()` gives the verdict.
 */
export class StreamValidator {
  /** @param {string|object|Validator} schema a JSON Schema, or a compiled Validator (no recompilation) */
  constructor(schema) {
    this.inner = guarded(() => (schema instanceof Validator ? schema.inner.stream() : new wasm.StreamingValidator(asText(schema))))
  }

  push(chunk) {
    return JSON.parse(guarded(() => this.inner.push(String(chunk))))
  }

  finish() {
    return JSON.parse(guarded(() => this.inner.finish()))
  }

  free() {
    this.inner.free()
  }
}

export { RegistryClient } from './client.js'
