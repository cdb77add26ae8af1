/**
 * A compact, human-checkable printing of prompt-text nodes for table-driven tests:
 *   'text'  ,  ('x':1.5)  ['x']  ('x'…  sched{from|to|when}  alt{a|b}  BREAK  AND  andw:1.2
 *   net(lora:[name,0.6])  net?(X:[…])  net…(…)  wc(name)  ref(name)  err')'
 */
import type { PromptNode } from '../../src/index.js';

export function show(nodes: PromptNode[]): string {
  return nodes.map(showNode).join(' ');
}

function showNode(node: PromptNode): string {
  switch (node.kind) {
    case 'text':
      return `'${node.raw}'`;
    case 'comma':
      return ',';
    case 'emphasis': {
      const [open, close] = node.bracket === 'round' ? ['(', ')'] : ['[', ']'];
      const weight = node.weight ? `:${node.weight.raw}` : '';
      return `${open}${show(node.body)}${weight}${node.closed ? close : '…'}`;
    }
    case 'schedule':
      return `sched{${node.from ? show(node.from) : '-'}|${show(node.to)}|${node.when.raw}}`;
    case 'alternation':
      return `alt{${node.options.map(show).join('|')}}`;
    case 'break':
      return 'BREAK';
    case 'and':
      return 'AND';
    case 'and-weight':
      return `andw:${node.weight.raw}`;
    case 'network': {
      const mark = !node.closed ? '…' : node.knownType ? '' : '?';
      const args = node.args.map((arg) => (arg.name !== undefined ? `${arg.name}=${arg.value}` : arg.value)).join(',');
      return `net${mark}(${node.type}:[${args}])`;
    }
    case 'wildcard':
      return `wc(${node.name})`;
    case 'fragment-ref':
      return `ref(${node.name})`;
    case 'error':
      return `err'${node.raw}'`;
  }
}
