/** The export name of a rule's options validator in src/config/generated-validators.ts. */
export function validatorName(ruleId: string): string {
  return `rule_${ruleId.replace(/[^A-Za-z0-9]/g, '_')}`;
}
