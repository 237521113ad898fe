// A small client of any Confluent-compatible registry (the origin or an edge). Schemas by id
// are cached forever (ids are immutable); a subject's latest version for a short TTL;
// validators are compiled once per schema id.
import { ModuleValidator, importSource } from './module.js'

export class RegistryError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `registry answered HTTP ${status}`)
    this.status = status
    this.code = body && body.error_code !== undefined ? body.error_code : status
  }
}

/** The client class over an entry point's `Validator` (see `makeApi` in core.js). */
export function clientClass(Validator) {
  return class RegistryClient {
    /**
     * @param {string} baseUrl e.g. 'http://127.0.0.1:8081'
     * @param {{auth?: {username: string, password: string}|{token: string}, latestTtlMs?: number, fetch?: Function}} [options]
     */
    constructor(baseUrl, { auth, latestTtlMs = 30_000, fetch: fetchImpl } = {}) {
      this.baseUrl = String(baseUrl).replace(/\/+$/, '')
      this.latestTtlMs = latestTtlMs
      this.fetch = fetchImpl ?? globalThis.fetch.bind(globalThis)
      this.headers = { accept: 'application/vnd.schemaregistry.v1+json' }
      if (auth && auth.token) this.headers.authorization = `Bearer ${auth.token}`
      else if (auth && auth.username !== undefined) this.headers.authorization = `Basic ${btoa(`${auth.username}:${auth.password ?? ''}`)}`
      this.byId = new Map()
      this.latest = new Map()
      this.validators = new Map()
    }

    async get(path) {
      const response = await this.fetch(this.baseUrl + path, { headers: this.headers })
      const text = await response.text()
      const body = text ? JSON.parse(text) : null
      if (!response.ok) throw new RegistryError(response.status, body)
      return body
    }

    /** `{schema, schemaType, references}` of a global id; cached forever. */
    getSchemaById(id) {
      if (!this.byId.has(id)) {
        const pending = this.get(`/schemas/ids/${encodeURIComponent(id)}`).then((s) => ({
          schema: s.schema,
          schemaType: s.schemaType ?? 'AVRO',
          references: s.references ?? [],
        }))
        pending.catch(() => this.byId.delete(id))
        this.byId.set(id, pending)
      }
      return this.byId.get(id)
    }

    /** `{subject, version, id, schema, schemaType, references}` of a subject's latest version. */
    async getLatest(subject) {
      const hit = this.latest.get(subject)
      if (hit && hit.expires > Date.now()) return hit.value
      const v = await this.get(`/subjects/${encodeURIComponent(subject)}/versions/latest`)
      const value = { ...v, schemaType: v.schemaType ?? 'AVRO', references: v.references ?? [] }
      this.latest.set(subject, { value, expires: Date.now() + this.latestTtlMs })
      return value
    }

    /** The referenced schemas, dependencies first, as the Validator takes them. */
    async resolveReferences(references, seen = new Set()) {
      const out = []
      for (const ref of references) {
        const key = `${ref.subject}/${ref.version}`
        if (seen.has(key)) continue
        seen.add(key)
        const v = await this.get(`/subjects/${encodeURIComponent(ref.subject)}/versions/${ref.version}`)
        out.push(...(await this.resolveReferences(v.references ?? [], seen)))
        out.push({ name: ref.name, subject: ref.subject, version: ref.version, schema: v.schema })
      }
      return out
    }

    /**
     * A compiled Validator for a schema id (number) or a subject's latest version (string).
     * Cached by schema id.
     */
    async validator(subjectOrId) {
      const id = typeof subjectOrId === 'number' ? subjectOrId : (await this.getLatest(subjectOrId)).id
      if (!this.validators.has(id)) {
        const pending = (async () => {
          const s = await this.getSchemaById(id)
          const references = await this.resolveReferences(s.references)
          return new Validator(s.schema, { type: s.schemaType === 'JSON' ? 'json' : 'avro', references })
        })()
        pending.catch(() => this.validators.delete(id))
        this.validators.set(id, pending)
      }
      return this.validators.get(id)
    }

    /** The URL of the registry's generated validator module for a schema id. */
    validatorUrl(id) {
      return `${this.baseUrl}/schemas/ids/${encodeURIComponent(id)}/validator.mjs`
    }

    /**
     * The registry's generated validator for a schema id (number) or a subject's latest version
     * (string), fetched with this client's credentials and imported as a module (no eval).
     */
    async loadValidator(subjectOrId) {
      const id = typeof subjectOrId === 'number' ? subjectOrId : (await this.getLatest(subjectOrId)).id
      const response = await this.fetch(this.validatorUrl(id), { headers: this.headers })
      const source = await response.text()
      if (!response.ok) throw new RegistryError(response.status, source ? JSON.parse(source) : null)
      return new ModuleValidator(await importSource(source))
    }
  }
}
