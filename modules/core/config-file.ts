/**
 * Reading the config file and parsing it as strict JSON, with every problem of the text itself
 * (comments, trailing commas, duplicate keys, syntax errors) reported at its line and column.
 * JSON.parse alone would stop at the first error and silently keep the last of two equal keys.
 */
import { readFileSync } from 'node:fs';
import { JSONScanner, createScanner, printParseErrorCode, visit } from 'jsonc-parser';
import type { ConfigProblem } from './resolved-config';

/** The `-c` value that reads the config from standard input. */
export const STANDARD_INPUT = '-';

/** The config's name in messages. */
export function configName(path: string): string {
  return path === STANDARD_INPUT ? 'standard input' : path;
}

export type ConfigText = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: ConfigProblem[] };

export type ParsedConfig =
  | { readonly ok: true; readonly raw: unknown; readonly warnings: string[] }
  | { readonly ok: false; readonly problems: ConfigProblem[]; readonly warnings: string[] };

/** Reads the config file, or standard input for "-". */
export function readConfigText(path: string): ConfigText {
  try {
    return { ok: true, text: readFileSync(path === STANDARD_INPUT ? 0 : path, 'utf8') };
  } catch (error) {
    return { ok: false, problems: [{ path: '(config)', rule: 'config.file', message: `${configName(path)} ${readFailure(error as NodeJS.ErrnoException)}`, fix: 'pass the config with -c FILE (or -c - for standard input), or create ica.config.json (see examples/)' }] };
  }
}

function readFailure(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT': return 'does not exist';
    case 'ENOTDIR': return 'does not exist (a file is in the way: one of its folders is a file)';
    case 'EISDIR': return 'cannot be read: it is a directory, not a file';
    case 'EACCES': case 'EPERM': return 'cannot be read: permission denied';
    default: return `cannot be read (${error.code ?? (error as Error).message})`;
  }
}

const BYTE_ORDER_MARK = '\uFEFF';

export function stripByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/** Parses the config text as strict JSON; `name` is the file as messages call it. */
export function parseConfigText(text: string, name: string): ParsedConfig {
  // RFC 8259 lets a parser ignore a byte-order mark; editors hide it, so refusing it would only
  // puzzle. Other tools reject it, hence the warning.
  const hasMark = text.startsWith(BYTE_ORDER_MARK);
  const warnings = hasMark ? [`${name} line 1, column 1: starts with a UTF-8 byte-order mark, which this tool ignores but other JSON tools reject; save the file as UTF-8 without BOM`] : [];
  const body = stripByteOrderMark(text);
  if (body.trim() === '') {
    return { ok: false, problems: [{ path: '(config)', rule: 'config.file', message: `${name} is not valid JSON: the file is empty`, fix: 'write the config as a JSON object (start from examples/ or README.md)' }], warnings };
  }
  const problems = [...commentAndCommaProblems(body, name), ...parserProblems(body, name)].sort((a, b) => a.offset - b.offset);
  if (problems.length > 0) return { ok: false, problems: problems.map(({ offset: _, ...problem }) => problem), warnings };
  try {
    return { ok: true, raw: JSON.parse(body), warnings };
  } catch (error) {
    // Only if jsonc-parser accepted something JSON.parse does not: still a report, never a crash.
    // V8 quotes the text in its message: escape control characters so that they cannot reach the
    // terminal raw.
    const reason = (error as Error).message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return { ok: false, problems: [{ path: '(config)', rule: 'config.file', message: `${name} is not valid JSON: ${reason}`, fix: 'fix the JSON syntax (an editor with the $schema reference shows where)' }], warnings };
  }
}

/** A problem and where it starts, for sorting by position. */
type PlacedProblem = ConfigProblem & { readonly offset: number };

function position(line: number, character: number): string {
  return `line ${line + 1}, column ${character + 1}`;
}

/**
 * The scanner's token kinds used here. jsonc-parser declares them as a const enum, which
 * isolatedModules cannot read, so its published values are repeated.
 */
const TOKEN = { closeBrace: 2, closeBracket: 4, comma: 5, lineComment: 12, blockComment: 13, lineBreak: 14, space: 15, end: 17 } as const;

/** Comments and trailing commas, which jsonc-parser's scanner sees as tokens. */
function commentAndCommaProblems(text: string, name: string): PlacedProblem[] {
  const problems: PlacedProblem[] = [];
  const scanner = createScanner(text, false);
  let comma: { offset: number; at: string } | undefined;
  for (let kind = scanner.scan(); kind !== TOKEN.end; kind = scanner.scan()) {
    if (kind === TOKEN.lineComment || kind === TOKEN.blockComment) {
      problems.push({
        path: '(config)', rule: 'config.file', offset: scanner.getTokenOffset(),
        message: `${name} is not valid JSON: ${tokenPosition(scanner)}: a comment (JSON has none)`,
        fix: 'remove the comment: the config is plain JSON, which other tools read too',
      });
    } else if (kind === TOKEN.closeBrace || kind === TOKEN.closeBracket) {
      if (comma) {
        problems.push({
          path: '(config)', rule: 'config.file', offset: comma.offset,
          message: `${name} is not valid JSON: ${comma.at}: a comma before "${kind === TOKEN.closeBrace ? '}' : ']'}" (a trailing comma)`,
          fix: 'remove the comma after the last entry',
        });
      }
      comma = undefined;
    } else if (kind === TOKEN.comma) {
      comma = { offset: scanner.getTokenOffset(), at: tokenPosition(scanner) };
    } else if (kind !== TOKEN.space && kind !== TOKEN.lineBreak) {
      comma = undefined;
    }
  }
  return problems;
}

function tokenPosition(scanner: JSONScanner): string {
  return position(scanner.getTokenStartLine(), scanner.getTokenStartCharacter());
}

/** Named by its code point too: a pasted non-breaking space looks like a space. */
function unexpectedCharacter(codePoint: number): string {
  return `the character ${JSON.stringify(String.fromCodePoint(codePoint))} (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}), which JSON does not allow here`;
}

/** jsonc-parser's error codes, by printParseErrorCode's names (a const enum too). */
const SYNTAX_ERRORS: Readonly<Record<string, string>> = {
  InvalidNumberFormat: 'a number JSON does not allow',
  PropertyNameExpected: 'a key in double quotes is missing',
  ValueExpected: 'a value is missing',
  ColonExpected: 'a colon is missing',
  CommaExpected: 'a comma is missing',
  CloseBraceExpected: 'a closing "}" is missing',
  CloseBracketExpected: 'a closing "]" is missing',
  EndOfFileExpected: 'text after the end of the config object',
  UnexpectedEndOfComment: 'a comment that is never closed',
  UnexpectedEndOfString: 'a string that is never closed',
  UnexpectedEndOfNumber: 'a number that ends too early',
  InvalidUnicode: 'a \\u escape without four hexadecimal digits',
  InvalidEscapeCharacter: 'a backslash escape JSON does not know',
  InvalidCharacter: 'a control character inside a string (write it escaped, such as \\t or \\n)',
};

/**
 * The first syntax error (the parser's later ones mostly follow from it) and every duplicate key.
 * Comments and trailing commas are allowed here: commentAndCommaProblems reports them better.
 */
function parserProblems(text: string, name: string): PlacedProblem[] {
  const problems: PlacedProblem[] = [];
  let syntaxError: PlacedProblem | undefined;
  const objects: Map<string, string>[] = [];
  visit(text, {
    onObjectBegin: () => { objects.push(new Map()); },
    onObjectEnd: () => { objects.pop(); },
    onObjectProperty: (key, offset, _length, line, character) => {
      const keys = objects[objects.length - 1];
      const at = position(line, character);
      const first = keys?.get(key);
      if (first === undefined) { keys?.set(key, at); return; }
      problems.push({
        path: '(config)', rule: 'config.file', offset,
        message: `${name} ${at}: key ${JSON.stringify(key)} is given twice (first at ${first}); JSON readers keep only one of them and silently drop the other`,
        fix: `keep one ${JSON.stringify(key)}: merge the two or delete one`,
      });
    },
    onError: (code, offset, _length, line, character) => {
      const error = printParseErrorCode(code);
      syntaxError ??= {
        path: '(config)', rule: 'config.file', offset,
        message: `${name} is not valid JSON: ${position(line, character)}: ${error === 'InvalidSymbol' ? unexpectedCharacter(text.codePointAt(offset) as number) : SYNTAX_ERRORS[error] ?? 'a syntax error'}`,
        fix: 'fix the JSON syntax there: keys and strings take double quotes, and only plain spaces, tabs and line breaks may separate values',
      };
    },
  }, { allowTrailingComma: true, disallowComments: false });
  return syntaxError ? [syntaxError, ...problems] : problems;
}
