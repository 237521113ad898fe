// The registry's LLM exports against the providers' own SDKs, offline (no API is called): the
// OpenAI and Anthropic fragments, and Gemini's JSON Schema ones, type-check against the SDKs'
// request types with `tsc --noEmit --strict`; MCP tools pass the MCP SDK's own ToolSchema.
// A deliberately wrong fragment must fail the same check, so the check can fail.
// Run with REGISTRY_URL pointing at a registry (scripts/test.sh does).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { ToolSchema } from '@modelcontextprotocol/sdk/types.js';

const base = process.env.REGISTRY_URL ?? 'http://127.0.0.1:8081';
const auth = process.env.REGISTRY_USER_INFO
  ? { authorization: 'Basic ' + Buffer.from(process.env.REGISTRY_USER_INFO).toString('base64') }
  : {};

const schemas = {
  weather: {
    title: 'get_weather', description: 'Weather for a city', type: 'object',
    properties: {
      city: { type: 'string', description: 'City name' },
      unit: { enum: ['c', 'f'] },
      days: { type: 'integer', minimum: 1, maximum: 14 },
      when: { type: 'string', format: 'date' },
    },
    required: ['city'],
  },
  order: {
    title: 'Order', type: 'object',
    properties: {
      id: { type: 'string', minLength: 3 },
      lines: { type: 'array', minItems: 1, items: { $ref: '#/$defs/Line' } },
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
    required: ['id', 'lines'],
    $defs: { Line: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku'] } },
  },
};

async function call(method, path, body) {
  const r = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...auth },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.equal(r.status, 200, `${method} ${path}: ${text}`);
  return JSON.parse(text);
}

async function exportsOf(name) {
  const subject = `llm-sdk-${name}`;
  await call('POST', `/subjects/${subject}/versions`, { schemaType: 'JSON', schema: JSON.stringify(schemas[name]) });
  const get = (provider, as) => call('GET', `/subjects/${subject}/versions/1/llm/${provider}?as=${as}`);
  return {
    openaiFormat: await get('openai', 'response_format'),
    openaiTool: await get('openai', 'tool'),
    anthropicTool: await get('anthropic', 'tool'),
    anthropicFormat: await get('anthropic', 'response_format'),
    anthropicPlainTool: await get('anthropic-tools', 'tool'),
    geminiTool: await get('gemini', 'tool'),
    geminiFormat: await get('gemini', 'response_format'),
    mcpTool: await get('mcp', 'tool'),
    mcpOutput: await get('mcp', 'response_format'),
  };
}

const TYPES = {
  openaiFormat: 'ResponseFormatJSONSchema',
  openaiTool: 'ChatCompletionFunctionTool',
  anthropicTool: 'AnthropicTool',
  anthropicFormat: 'JSONOutputFormat',
  anthropicPlainTool: 'AnthropicTool',
  geminiTool: 'GeminiTool',
  geminiFormat: 'GenerateContentConfig',
  mcpTool: 'McpTool',
  mcpOutput: 'McpTool',
};

const HEADER = `import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { Tool as AnthropicTool, JSONOutputFormat } from '@anthropic-ai/sdk/resources/messages';
import type { Tool as GeminiTool, GenerateContentConfig } from '@google/genai';
import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
`;

/** tsc over `declarations`; its output, or null when it type-checks. */
function typecheck(declarations) {
  const file = new URL('./generated-exports.ts', import.meta.url).pathname;
  writeFileSync(file, HEADER + declarations.join('\n') + '\n');
  try {
    execFileSync(process.execPath, [
      new URL('./node_modules/typescript/bin/tsc', import.meta.url).pathname,
      '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022',
      '--module', 'nodenext', '--moduleResolution', 'nodenext', file,
    ], { stdio: 'pipe' });
    return null;
  } catch (e) {
    return String(e.stdout);
  } finally {
    rmSync(file, { force: true });
  }
}

test('the fragments type-check against the OpenAI, Anthropic and Gemini SDKs', async () => {
  const declarations = [];
  let n = 0;
  for (const name of Object.keys(schemas)) {
    const fragments = await exportsOf(name);
    for (const [kind, fragment] of Object.entries(fragments)) {
      declarations.push(`export const f${n++}: ${TYPES[kind]} = ${JSON.stringify(fragment)};`);
    }
  }
  const errors = typecheck(declarations);
  assert.equal(errors, null, errors ?? '');
  console.log(`${n} fragments type-check`);
});

test('a wrong fragment fails the same check', async () => {
  const { openaiTool, anthropicTool } = await exportsOf('weather');
  const wrong = [
    `export const a: ChatCompletionFunctionTool = ${JSON.stringify({ ...openaiTool, type: 'tool' })};`,
    `export const b: AnthropicTool = ${JSON.stringify({ ...anthropicTool, input_schema: { ...anthropicTool.input_schema, type: 'array' } })};`,
  ];
  const errors = typecheck(wrong);
  assert.ok(errors && errors.includes('error TS'), 'tsc refuses them');
  assert.equal((errors.match(/error TS/g) ?? []).length, 2, errors);
});

test('MCP tools pass the MCP SDK schema', async () => {
  for (const name of Object.keys(schemas)) {
    const { mcpTool, mcpOutput } = await exportsOf(name);
    assert.deepEqual(ToolSchema.parse(mcpTool).inputSchema, schemas[name]);
    assert.deepEqual(ToolSchema.parse(mcpOutput).outputSchema, schemas[name]);
  }
  assert.throws(() => ToolSchema.parse({ name: 'x', inputSchema: { type: 'array' } }));
});
