// The package's wasm-free entry point (`llm-schema-registry/module`): a registry's generated
// validator modules (`/schemas/ids/{id}/validator.mjs`) loaded without eval and without
// WebAssembly, so it works under a strict Content-Security-Policy.

function invalidJson(message) {
  const err = new Error(message)
  err.code = 'INVALID_JSON'
  return err
}

function parseJson(text) {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw invalidJson(`the value is not JSON: ${e.message}`)
  }
}

// A value the generated code can validate as it is: what JSON.stringify would give up on at the
// top is refused as the wasm path refuses it.
function plain(value) {
  const t = typeof value
  if (value === undefined || t === 'function' || t === 'symbol' || t === 'bigint') {
    throw invalidJson(`cannot validate ${t}: it has no JSON form`)
  }
  return value
}

// Runs generated code; a value nested past what the JS stack holds is an error with a code.
function run(fn, value) {
  try {
    return fn(value)
  } catch (err) {
    if (!(err instanceof RangeError)) throw err
    const deep = new Error(`the value is nested too deeply to validate: ${err.message}`)
    deep.code = 'TOO_DEEP'
    throw deep
  }
}

/**
 * Generated validator code with the Validator API: a registry's module (`validator.mjs`), or the
 * code a Validator's 'js' engine generated in the page.
 */
export class ModuleValidator {
  constructor(module) {
    this.module = module
    this.type = 'json'
    this.engine = 'module'
  }

  validate(value) {
    const errors = run(this.module.validate, plain(value))
    return { valid: errors.length === 0, errors }
  }

  isValid(value) {
    return run(this.module.isValid, plain(value))
  }

  validateJson(text) {
    return this.validate(parseJson(text))
  }

  isValidJson(text) {
    return run(this.module.isValid, parseJson(text))
  }

  free() {}
}

/**
 * Loads a registry's generated validator (`/schemas/ids/{id}/validator.mjs`) by URL, with no
 * eval: imported as a module where the platform imports URLs (browsers), else fetched and
 * imported from a data: URL (Node imports no http: URLs).
 */
export async function loadValidator(url, { fetch: fetchImpl } = {}) {
  let module
  try {
    module = await import(/* webpackIgnore: true */ String(url))
  } catch (err) {
    const f = fetchImpl ?? globalThis.fetch.bind(globalThis)
    const response = await f(String(url))
    const source = await response.text()
    if (!response.ok) {
      const e = new Error(`${url}: HTTP ${response.status} ${source}`)
      e.code = 'LOAD_FAILED'
      e.cause = err
      throw e
    }
    module = await importSource(source)
  }
  return new ModuleValidator(module)
}

/** Imports module `source` (a validator's text) from a data: URL. */
export function importSource(source) {
  return import(`data:text/javascript;charset=utf-8,${encodeURIComponent(source)}`)
}

