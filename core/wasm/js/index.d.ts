export type SchemaKind = 'json' | 'avro'

export interface ValidationError {
  /** JSON pointer to the offending part of the value. */
  instancePath: string
  /** JSON pointer to the part of the schema that rejected it. */
  schemaPath: string
  message: string
}

export interface ValidationResult {
  valid: boolean
  errors: ValidationError[]
}

export type References =
  | Record<string, string | object>
  | Array<{ name: string; schema: string | object; subject?: string; version?: number }>

/** A schema compiled once for many validations. Errors thrown carry a `code`. */
export class Validator {
  constructor(schema: string | object, options?: { type?: SchemaKind; references?: References })
  readonly type: SchemaKind
  /** Validates a JS value. */
  validate(value: unknown): ValidationResult
  /** The fast path: a verdict without errors. */
  isValid(value: unknown): boolean
  /** Validates a value given as JSON text. */
  validateJson(text: string): ValidationResult
  isValidJson(text: string): boolean
  free(): void
}

export type CompatibilityLevel =
  | 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE'

export interface CompatibilityResult {
  compatible: boolean
  messages: string[]
  incompatibilities: Array<{ kind: string; location: string; message: string }>
}

/** Schemas given as strings are schema text; objects are schemas. `existingSchemas` oldest first. */
export function checkCompatibility(
  newSchema: string | object,
  existingSchemas: Array<string | object>,
  level?: CompatibilityLevel,
  type?: SchemaKind,
): CompatibilityResult

export function fingerprint(schema: string | object, type?: SchemaKind, options?: { normalize?: boolean }): string

export class RegistryError extends Error {
  status: number
  code: number
}

export interface RegisteredSchema {
  schema: string
  schemaType: 'AVRO' | 'JSON'
  references: Array<{ name: string; subject: string; version: number }>
}

export class RegistryClient {
  constructor(
    baseUrl: string,
    options?: {
      auth?: { username: string; password: string } | { token: string }
      latestTtlMs?: number
      fetch?: typeof fetch
    },
  )
  getSchemaById(id: number): Promise<RegisteredSchema>
  getLatest(subject: string): Promise<RegisteredSchema & { subject: string; version: number; id: number }>
  validator(subjectOrId: string | number): Promise<Validator>
}
