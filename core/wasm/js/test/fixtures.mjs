// The tool-call schema and instances the benchmarks time.

export const TOOL_CALL = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ToolCall',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'function', 'model', 'created', 'messages'],
  properties: {
    id: { type: 'string', pattern: '^call_[A-Za-z0-9]{8,32}$' },
    type: { enum: ['function'] },
    model: { type: 'string', enum: ['gpt-small', 'gpt-large', 'llama-70b', 'mixtral'] },
    created: { type: 'integer', minimum: 0 },
    user: { type: 'string', format: 'email' },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    max_tokens: { type: 'integer', minimum: 1, maximum: 32768 },
    stream: { type: 'boolean' },
    stop: { type: 'array', items: { type: 'string' }, maxItems: 4 },
    seed: { type: ['integer', 'null'] },
    tags: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' }, uniqueItems: true },
    trace_id: { type: 'string', format: 'uuid' },
    timestamp: { type: 'string', format: 'date-time' },
    priority: { enum: ['low', 'normal', 'high'] },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]{0,63}$' },
        arguments: {
          type: 'object',
          required: ['query'],
          properties: {
            query: { type: 'string', minLength: 1, maxLength: 2000 },
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            filters: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'op', 'value'],
                properties: {
                  field: { type: 'string' },
                  op: { enum: ['eq', 'ne', 'lt', 'gt', 'in'] },
                  value: { type: ['string', 'number', 'boolean', 'array'] },
                },
              },
            },
          },
        },
      },
    },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: {
          role: { enum: ['system', 'user', 'assistant', 'tool'] },
          content: { type: 'string' },
          name: { type: 'string' },
        },
      },
    },
    usage: {
      type: 'object',
      properties: { prompt_tokens: { type: 'integer', minimum: 0 }, completion_tokens: { type: 'integer', minimum: 0 } },
    },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
  },
}

export const VALID = {
  id: 'call_Ab12Cd34Ef56',
  type: 'function',
  model: 'llama-70b',
  created: 1767225600,
  user: 'dev@example.org',
  temperature: 0.2,
  max_tokens: 512,
  stream: false,
  stop: ['\n\n'],
  seed: null,
  tags: ['search', 'rag'],
  trace_id: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  timestamp: '2026-11-22T10:00:00Z',
  priority: 'normal',
  function: {
    name: 'web_search',
    arguments: { query: 'schema registry at the edge', limit: 5, filters: [{ field: 'lang', op: 'eq', value: 'en' }] },
  },
  messages: [
    { role: 'system', content: 'You are helpful.' },
    { role: 'user', content: 'Find registries.' },
  ],
  usage: { prompt_tokens: 31, completion_tokens: 12 },
  metadata: { team: 'search' },
}
export const INVALID = {
  ...VALID,
  id: 'bad id',
  temperature: 3,
  tags: ['Search'],
  function: { name: '1x', arguments: { limit: 0 } },
  messages: [{ role: 'robot' }],
}
