export type SchemaKind = 'json' | 'avro' | 'protobuf'

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

/** An LLM profile (`openai-strict`, ...) or a provider's name for its default profile. */
export type LlmProvider =
  | 'openai' | 'openai-strict' | 'anthropic' | 'anthropic-strict' | 'anthropic-tools'
  | 'gemini' | 'gemini-schema' | 'mcp' | (string & {})

/** One way a schema does not fit a profile. */
export interface Diagnostic {
  /** JSON pointer into the schema. */
  path: string
  /** The profile's rule (see `profiles()`). */
  rule: string
  message: string
  fix: string
  /** Whether `transform` makes this change itself. */
  fixable: boolean
}

/** One change `transform` made. */
export interface Change {
  path: string
  message: string
  /** The change loosens or drops part of the contract (a keyword moved into the description...). */
  warning: boolean
}

/** Thrown by `transform` and `exportFor` when the schema cannot fit: code `DOES_NOT_FIT`. */
export interface DoesNotFitError extends Error {
  code: 'DOES_NOT_FIT'
  diagnostics: Diagnostic[]
}

export function lint(schema: string | object, provider: LlmProvider): Diagnostic[]
export function transform(schema: string | object, provider: LlmProvider): { schema: object; changes: Change[] }
export function exportFor(
  provider: LlmProvider,
  schema: string | object,
  options?: { as?: 'response_format' | 'tool'; name?: string; description?: string },
): { fragment: Record<string, unknown>; changes: Change[] }
export function profiles(): Array<{
  id: string
  provider: string
  target: string
  rules: Array<{ id: string; text: string; source: string }>
}>

/** A place in a model's text: offset in characters, line and column from 1. */
export interface TextPosition {
  offset: number
  line: number
  column: number
}

export interface ModelOutput {
  valid: boolean
  /** The JSON value found (absent when none parses). */
  value?: unknown
  errors?: ValidationError[]
  output: {
    found?: 'whole' | 'fenced' | 'embedded'
    start?: TextPosition
    end?: TextPosition
    candidates: number
    truncated: boolean
    problem?: { message: string; at: TextPosition; truncated: boolean }
  }
  /** A retry prompt listing each problem; absent when valid. */
  repair?: string
}

export function parseModelOutput(text: string, validator: Validator): ModelOutput

export interface StreamError {
  /** Characters read before the one that broke it. */
  offset: number
  instancePath: string
  message: string
}

export class StreamValidator {
  /** A JSON Schema, or a compiled Validator (shared, not compiled again). */
  constructor(schema: string | object | Validator)
  /** The first error once the text can no longer become valid; `null` until then. */
  push(chunk: string): StreamError | null
  finish(): { valid: boolean; errors?: ValidationError[]; error?: StreamError; truncated: boolean }
  free(): void
}
