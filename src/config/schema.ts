/**
 * The JSON Schema of sdprompt.config.json, built from the rule registry so that every rule's
 * options are checked with the rule's own schema. `scripts/gen-rule-docs.mjs` publishes it as
 * schemas/sdprompt.config.schema.json (a test fails when the published copy is stale).
 */
import type { Rule } from '../lint/types.js';

export const SCHEMA_ID = 'https://sdprompt.dev/schemas/sdprompt.config.schema.json';

export const ENGINE_KINDS = ['a1111', 'forge', 'sdnext', 'comfyui', 'sdcpp', 'compel'] as const;

const severity = {
  description: 'off, info, warn, error (or 0 = off, 1 = warn, 2 = error as in ESLint).',
  enum: ['off', 'info', 'warn', 'error', 0, 1, 2],
};

function ruleEntrySchema(rule: Rule): Record<string, unknown> {
  const options = rule.meta.schema ?? { type: 'object', additionalProperties: false, properties: {} };
  return {
    description: `${rule.meta.description} (default: ${rule.meta.defaultSeverity})`,
    anyOf: [
      { $ref: '#/definitions/severity' },
      {
        type: 'array',
        items: [{ $ref: '#/definitions/severity' }, options],
        minItems: 1,
        maxItems: 2,
        additionalItems: false,
      },
    ],
  };
}

function rulesSchema(rules: readonly Rule[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const rule of [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id))) {
    properties[rule.meta.id] = ruleEntrySchema(rule);
  }
  return {
    type: 'object',
    description:
      'Rule id → severity, or [severity, options]. Ids of parser and parameter diagnostics (syntax/…, params/…) take a severity too.',
    properties,
    additionalProperties: { $ref: '#/definitions/ruleEntry' },
  };
}

const stringList = { type: 'array', items: { type: 'string', pattern: '\\S' } };
const globs = { anyOf: [{ type: 'string', pattern: '\\S' }, stringList] };

/**
 * `detailed` (the published file, for editors) spells out every rule's options; the runtime
 * validator uses the compact form and checks each configured rule's options with that rule's own
 * schema, which keeps compiling fast (a few ms instead of most of a second).
 */
export function buildConfigSchema(rules: readonly Rule[], detailed = true): Record<string, unknown> {
  const ruleMap = detailed
    ? rulesSchema(rules)
    : { type: 'object', additionalProperties: { $ref: '#/definitions/ruleEntry' } };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'sdprompt configuration',
    description: 'sdprompt.config.json, or the "sdprompt" key of package.json. See docs/configuration.md.',
    type: 'object',
    additionalProperties: false,
    definitions: {
      severity,
      ruleEntry: {
        anyOf: [
          { $ref: '#/definitions/severity' },
          {
            type: 'array',
            items: [{ $ref: '#/definitions/severity' }, { type: 'object' }],
            minItems: 1,
            maxItems: 2,
            additionalItems: false,
          },
        ],
      },
      engine: { enum: [...ENGINE_KINDS] },
    },
    properties: {
      $schema: { type: 'string' },
      root: { type: 'boolean', description: 'Stop looking for configuration in parent folders.' },
      extends: {
        description: 'Presets ("recommended", "strict") or relative paths of other config files; later entries win.',
        anyOf: [{ type: 'string', pattern: '\\S' }, stringList],
      },
      rules: ruleMap,
      overrides: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['files'],
          properties: {
            files: globs,
            excludedFiles: globs,
            rules: ruleMap,
            engine: { $ref: '#/definitions/engine' },
          },
        },
      },
      ignores: { ...stringList, description: 'Globs of files and folders never linted (node_modules always is).' },
      engine: { $ref: '#/definitions/engine', description: 'The engine files target unless they set engine: (default a1111).' },
      library: {
        type: 'object',
        additionalProperties: false,
        properties: {
          loraDirs: stringList,
          embeddingDirs: stringList,
          wildcardDirs: stringList,
          checkpointDirs: stringList,
          a1111Root: { type: 'string', pattern: '\\S' },
          comfyuiRoot: { type: 'string', pattern: '\\S' },
          engineUrl: { type: 'string', pattern: '^https?://' },
        },
      },
      tokenizer: {
        type: 'object',
        additionalProperties: false,
        properties: { vocab: { type: 'string', pattern: '\\S' } },
      },
      reportUnusedDisableDirectives: { enum: ['off', 'info', 'warn', 'error'] },
    },
  };
}
