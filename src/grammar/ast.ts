/**
 * The typed syntax tree of a prompt file (`.sdprompt`) and of the A1111 prompt text inside it.
 *
 * Every node carries its source range (UTF-16 offsets plus 0-based line/column, as LSP counts them).
 * The tree is produced for every input, however broken: nodes rebuilt by error recovery have
 * `recovered: true`, and readers must handle missing optional children.
 *
 * Two layers:
 *  - the file layer (`PromptFile`): directives (`@prompt`, `@negative`, `@params`, …), comments,
 *    parameter entries, fragments, includes; see docs/language.md;
 *  - the prompt-text layer (`PromptText`): A1111 prompt syntax (emphasis, schedules, alternation,
 *    BREAK, AND, extra networks, escapes) as written, with no semantics applied yet. The exact
 *    A1111 meaning is computed by src/semantics from the text each `PromptText` covers.
 */

export interface Position {
  /** UTF-16 code-unit offset from the start of the document. */
  offset: number;
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  column: number;
}

/**
 * Ranges built by the parser are `SourceRange`s (line-index.ts): their positions are computed when
 * read, a fresh object each time. Treat ranges and positions as values; never mutate one.
 */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface NodeBase {
  range: Range;
  /** True when error recovery built or completed this node. */
  recovered?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Prompt-text layer (A1111 syntax)
// ---------------------------------------------------------------------------------------------

/** A piece of literal text. `value` has escapes resolved (`\(` → `(`); `raw` is the source. */
export interface TextNode extends NodeBase {
  kind: 'text';
  value: string;
  raw: string;
}

/** A `,` separating tags. */
export interface CommaNode extends NodeBase {
  kind: 'comma';
}

/** A weight number as written in `(x:w)`, `AND … :w` or an extra-network argument. */
export interface NumberNode extends NodeBase {
  kind: 'number';
  raw: string;
  /** The value Python's float() gives, or NaN when A1111 could not read it (e.g. `1..2`). */
  value: number;
}

/**
 * `(x)`, `[x]` or `(x:w)`. `closed` is false when the bracket runs to the end of the prompt
 * (A1111 modules/prompt_parser.py: an unbalanced '(' is closed at the end with ×1.1).
 */
export interface EmphasisNode extends NodeBase {
  kind: 'emphasis';
  bracket: 'round' | 'square';
  body: PromptNode[];
  /** The explicit weight of `(x:w)`; absent for `(x)` and `[x]`. */
  weight?: NumberNode;
  closed: boolean;
}

/** `[from:to:when]`, `[to:when]` (from absent) or `[from::when]` (to empty). */
export interface ScheduleNode extends NodeBase {
  kind: 'schedule';
  from?: PromptNode[];
  to: PromptNode[];
  when: NumberNode;
}

/** `[a|b|…]`; empty options are allowed (`[fe|]male`). */
export interface AlternationNode extends NodeBase {
  kind: 'alternation';
  options: PromptNode[][];
}

/** The `BREAK` keyword (upper case, word-bounded). */
export interface BreakNode extends NodeBase {
  kind: 'break';
}

/** The `AND` keyword (composable diffusion): splits the prompt into weighted parts. */
export interface AndNode extends NodeBase {
  kind: 'and';
}

/** The `:weight` that ends an AND part (`a cat :1.2 AND a dog`), as A1111's re_weight reads it. */
export interface AndWeightNode extends NodeBase {
  kind: 'and-weight';
  weight: NumberNode;
}

/** An argument of an extra network, split on `:` as A1111 does; `name=value` is named. */
export interface NetworkArgNode extends NodeBase {
  kind: 'network-arg';
  raw: string;
  /** For `te=0.5`: `te`. */
  name?: string;
  /** The value part (`0.5` in `te=0.5` or `0.5` positional). */
  value: string;
  /** Range of the value part. */
  valueRange: Range;
}

/**
 * An extra-network tag `<TYPE:ARGS>` as A1111 matches it (`<(\w+):([^>]+)>`), e.g. `<lora:name:0.6>`.
 * `<JL_sectionplan:0.1>` is also a network: of the unknown type `JL_sectionplan`, which A1111 strips
 * and ignores. `knownType` tells which; `typeRange` lets a fix rewrite the type.
 * An unterminated `<lora:…` is a NetworkNode with `closed: false` (A1111 leaves it as text).
 */
export interface NetworkNode extends NodeBase {
  kind: 'network';
  type: string;
  typeRange: Range;
  args: NetworkArgNode[];
  knownType: boolean;
  closed: boolean;
}

/** `__name__` wildcard reference (dynamicprompts); text to A1111 itself. */
export interface WildcardNode extends NodeBase {
  kind: 'wildcard';
  name: string;
}

/** `${name}`: a reference to a fragment of the prompt file, replaced before any engine sees it. */
export interface FragmentRefNode extends NodeBase {
  kind: 'fragment-ref';
  name: string;
  nameRange: Range;
}

/** A run of stray characters the grammar could not place (kept so nothing is lost). */
export interface ErrorNode extends NodeBase {
  kind: 'error';
  raw: string;
}

export type PromptNode =
  | TextNode
  | CommaNode
  | EmphasisNode
  | ScheduleNode
  | AlternationNode
  | BreakNode
  | AndNode
  | AndWeightNode
  | NetworkNode
  | WildcardNode
  | FragmentRefNode
  | ErrorNode;

/**
 * A whole prompt text (one positive or negative prompt, or a fragment body).
 * `text` is the prompt as it is sent on (comment lines of the file removed, lines joined by "\n");
 * `sourceMap[i]` is the document offset of `text[i]` (length text.length + 1, last entry = end);
 * an Int32Array, which the garbage collector never has to scan or copy.
 */
export interface PromptText extends NodeBase {
  kind: 'prompt-text';
  body: PromptNode[];
  text: string;
  sourceMap: Int32Array;
}

// ---------------------------------------------------------------------------------------------
// File layer
// ---------------------------------------------------------------------------------------------

/** A whole-line `#` comment. Comments are attached to the file in order and never dropped. */
export interface CommentNode extends NodeBase {
  kind: 'comment';
  /** Text after the `#`. */
  text: string;
}

/** A scalar value of a parameter entry, as written. Quoted values are JSON strings. */
export interface ValueNode extends NodeBase {
  kind: 'value';
  raw: string;
  /** The unquoted string. */
  value: string;
  quoted: boolean;
}

/** `key: value` inside a `@params`, `@controlnet`, `@img2img`/`@inpaint` block. */
export interface ParamEntryNode extends NodeBase {
  kind: 'param';
  key: string;
  keyRange: Range;
  value?: ValueNode;
}

export type ParamBlockKind = 'params' | 'controlnet' | 'img2img' | 'inpaint' | 'hires';

export interface ParamBlockNode extends NodeBase {
  kind: 'param-block';
  block: ParamBlockKind;
  directiveRange: Range;
  entries: ParamEntryNode[];
}

/** `@fragment NAME` followed by prompt text, reusable as `${NAME}`. */
export interface FragmentNode extends NodeBase {
  kind: 'fragment';
  name: string;
  nameRange: Range;
  text: PromptText;
}

/** `@include "path"`: makes the fragments (and file-level parameters) of another file available. */
export interface IncludeNode extends NodeBase {
  kind: 'include';
  path: string;
  pathRange: Range;
}

/**
 * One prompt of the file: `@prompt NAME` with its positive text, optional `@negative` and its own
 * parameter blocks. A bare prompt or an infotext block is one PromptNode with name `undefined`.
 */
export interface PromptDefNode extends NodeBase {
  kind: 'prompt';
  name?: string;
  nameRange?: Range;
  positive: PromptText;
  negative?: PromptText;
  blocks: ParamBlockNode[];
}

/** Which of the three accepted forms the file is written in. */
export type FileForm = 'bare' | 'infotext' | 'structured';

export interface PromptFile extends NodeBase {
  kind: 'file';
  form: FileForm;
  /** The document text the tree was parsed from (set by parse(); analyze() needs it for ranges). */
  source?: string;
  /** File-level parameter blocks: defaults for every prompt. */
  blocks: ParamBlockNode[];
  /** File-level `@negative`: the default negative prompt for every prompt. */
  negative?: PromptText;
  fragments: FragmentNode[];
  includes: IncludeNode[];
  prompts: PromptDefNode[];
  comments: CommentNode[];
  /**
   * For the infotext form: the parameters line's raw `key: value` pairs in order (A1111
   * infotext_utils.parse_generation_parameters rules), with ranges. Also mapped into `blocks`.
   */
  infotext?: ParamEntryNode[];
}

export type AnyNode =
  | PromptNode
  | PromptText
  | CommentNode
  | ValueNode
  | ParamEntryNode
  | ParamBlockNode
  | FragmentNode
  | IncludeNode
  | PromptDefNode
  | PromptFile
  | NetworkArgNode
  | NumberNode;

/** The prompt nodes directly inside a node (emphasis body, schedule branches, alternation options). */
export function childrenOf(node: PromptNode): PromptNode[] {
  switch (node.kind) {
    case 'emphasis':
      return node.body ?? [];
    case 'schedule':
      return [...(node.from ?? []), ...(node.to ?? [])];
    case 'alternation':
      return (node.options ?? []).flat();
    default:
      return [];
  }
}
