#!/usr/bin/env node
// Writes docs/rules/<id>.md for every lint rule and schemas/sdprompt.config.schema.json, from the
// compiled rules (run `npx tsc -p .` first). tests/lint/docs.test.ts fails when these are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { builtinRules, ruleDoc, rulesIndex } = await import(path.join(root, 'dist/lint/index.js'));
const { buildConfigSchema } = await import(path.join(root, 'dist/config/schema.js'));

for (const rule of builtinRules) {
  const file = path.join(root, 'docs/rules', `${rule.meta.id}.md`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, ruleDoc(rule));
}
writeFileSync(path.join(root, 'docs/rules/README.md'), rulesIndex(builtinRules));
mkdirSync(path.join(root, 'schemas'), { recursive: true });
writeFileSync(path.join(root, 'schemas/sdprompt.config.schema.json'), JSON.stringify(buildConfigSchema(builtinRules), null, 2) + '\n');
console.log(`wrote ${builtinRules.length} rule pages, docs/rules/README.md and schemas/sdprompt.config.schema.json`);
const { buildValidatorSource } = await import(path.join(root, 'dist/config/validator-source.js'));
writeFileSync(path.join(root, 'src/config/generated-validators.ts'), buildValidatorSource(builtinRules));
console.log('wrote src/config/generated-validators.ts');
