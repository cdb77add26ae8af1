/** `sdprompt rules [--json]`: every lint rule with its default severity, fixability and needs. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerRules(program: Command, context: CliContext): void {
  program
    .command('rules')
    .description('List the lint rules (id, default severity, fixable, description)')
    .option('--json', 'print the rules as JSON')
    .action(async (options: { json?: boolean }) => {
      const { builtinRules } = await import('../../lint/registry.js');
      const rules = [...builtinRules].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
      if (options.json) {
        const list = rules.map(({ meta }) => ({
          id: meta.id,
          category: meta.category,
          description: meta.description,
          defaultSeverity: meta.defaultSeverity,
          fixable: meta.fixable ?? null,
          requires: meta.requires ?? [],
          options: meta.schema ?? null,
          defaultOptions: meta.defaultOptions ?? {},
          docs: `docs/rules/${meta.id}.md`,
        }));
        context.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      const rows = rules.map(({ meta }) => [
        meta.id,
        meta.defaultSeverity,
        meta.fixable === 'code' ? 'fix' : meta.fixable === 'suggestion' ? 'suggest' : '',
        meta.requires?.join(',') ?? '',
        meta.description,
      ]);
      const header = ['RULE', 'DEFAULT', 'FIXABLE', 'NEEDS', 'DESCRIPTION'];
      const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
      const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
      context.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
      context.stdout.write(`\n${rules.length} rules. Configure them in sdprompt.config.json ("rules": {"id": "off" | "info" | "warn" | "error"}); docs in docs/rules/.\n`);
    });
}
