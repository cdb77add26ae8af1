/**
 * Validation of one configuration object against the published JSON Schema (ajv), with messages
 * that name the setting, say what is wrong and, for misspelt rule ids or keys, what was meant.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Rule } from '../lint/types.js';
import { closestName } from '../lint/names.js';
import { builtinRules } from '../lint/registry.js';
import * as generated from './generated-validators.js';
import { buildConfigSchema } from './schema.js';
import { ConfigError, type SdpromptConfig } from './types.js';
import { validatorName } from './validator-source-names.js';

/** Categories of diagnostic codes other stages report; their ids may be configured without a rule. */
const FOREIGN_CODE_PREFIXES = ['syntax/', 'params/', 'include/', 'fragment/', 'engine/'];

type Validator = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * A validator for one rule set. For the built-in rules it uses the validators ajv compiled ahead of
 * time (src/config/generated-validators.ts); for any other rule set (tests, rules added at run time)
 * it compiles with ajv, which costs a few hundred milliseconds once.
 */
export class ConfigValidator {
  private readonly validateFunction: Validator;
  private ajv: import('ajv').default | undefined;
  private readonly optionValidators = new Map<string, Validator>();
  private readonly ruleIds: string[];
  private readonly precompiled: boolean;

  constructor(private readonly rules: readonly Rule[]) {
    this.ruleIds = rules.map((rule) => rule.meta.id);
    this.precompiled = rules === builtinRules;
    this.validateFunction = this.precompiled ? (generated.config as Validator) : this.compile(buildConfigSchema(rules, false));
  }

  private compile(schema: object): Validator {
    if (!this.ajv) {
      // ajv is CommonJS; createRequire keeps its default export usable from ESM and from bundles.
      const require = createRequire(import.meta.url);
      const AjvClass = require('ajv').default as typeof import('ajv').default;
      this.ajv = new AjvClass({ allErrors: true, strict: false, verbose: true });
    }
    return this.ajv.compile(schema) as ValidateFunction as Validator;
  }

  /** Throws ConfigError listing every problem; returns the config typed when it is valid. */
  validate(value: unknown, file?: string): SdpromptConfig {
    const problems: string[] = [];
    if (!this.validateFunction(value)) {
      problems.push(...describeErrors(this.validateFunction.errors ?? []));
    }
    if (problems.length === 0 && value && typeof value === 'object') {
      const config = value as SdpromptConfig;
      this.checkRuleIds(config.rules, 'rules', problems);
      config.overrides?.forEach((override, index) => this.checkRuleIds(override.rules, `overrides[${index}].rules`, problems));
    }
    if (problems.length > 0) {
      throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`, file);
    }
    return value as SdpromptConfig;
  }

  private checkRuleIds(rules: Record<string, unknown> | undefined, where: string, problems: string[]): void {
    if (!rules) return;
    for (const [id, entry] of Object.entries(rules)) {
      if (this.ruleIds.includes(id)) {
        if (Array.isArray(entry) && entry.length > 1) this.checkOptions(id, entry[1], `${where}.${id}[1]`, problems);
        continue;
      }
      if (FOREIGN_CODE_PREFIXES.some((prefix) => id.startsWith(prefix)) && /^[a-z0-9-]+\/[a-z0-9-]+$/.test(id)) continue;
      const near = closestName(id, this.ruleIds);
      problems.push(`${where}: unknown rule "${id}"${near ? ` (did you mean "${near}"?)` : ''}; run "sdprompt rules" for the list`);
    }
  }


  private checkOptions(id: string, options: unknown, where: string, problems: string[]): void {
    let validate = this.optionValidators.get(id);
    if (!validate) {
      const schema = this.rules.find((rule) => rule.meta.id === id)?.meta.schema;
      const ahead = this.precompiled && schema ? ((generated as Record<string, unknown>)[validatorName(id)] as Validator | undefined) : undefined;
      validate = ahead ?? this.compile(schema ?? { type: 'object', additionalProperties: false, properties: {} });
      this.optionValidators.set(id, validate);
    }
    if (validate(options)) return;
    for (const message of describeErrors(validate.errors ?? [])) {
      problems.push(message.startsWith('(top level)') ? message.replace('(top level)', where) : `${where}.${message}`);
    }
  }
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '(top level)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('')
    .replace(/\.\[/g, '[');
}

function describeErrors(errors: ErrorObject[]): string[] {
  const messages = new Set<string>();
  // anyOf failures repeat every branch's complaint; keep the most specific one per location.
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const list = byPath.get(error.instancePath) ?? [];
    list.push(error);
    byPath.set(error.instancePath, list);
  }
  const pointers = [...byPath.keys()];
  for (const [pointer, list] of byPath) {
    // An anyOf parent fails whenever a branch fails deeper down: the deeper message is the useful one.
    if (pointers.some((other) => other !== pointer && other.startsWith(`${pointer}/`))) continue;
    const where = pointerToPath(pointer);
    const specific = list.filter((error) => error.keyword !== 'anyOf');
    for (const error of specific.length > 0 ? specific : list) {
      messages.add(`${where}: ${describeError(error)}`);
    }
  }
  return [...messages];
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = error.parentSchema && typeof error.parentSchema === 'object'
        ? Object.keys((error.parentSchema as { properties?: object }).properties ?? {})
        : [];
      const near = closestName(key, allowed);
      return `unknown setting "${key}"${near ? ` (did you mean "${near}"?)` : ''}`;
    }
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${String(params.type)}`;
    case 'pattern':
      return params.pattern === '\\S' ? 'must not be empty' : `must match ${String(params.pattern)}`;
    case 'required':
      return `missing "${String(params.missingProperty)}"`;
    default:
      return error.message ?? 'invalid';
  }
}
