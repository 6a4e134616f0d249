/**
 * Changing one bucket entry of the config text in place, so that the rest of the file stays as
 * its author wrote it: whitespace, key order, the other buckets.
 */
import { isDeepStrictEqual } from 'node:util';
import { FormattingOptions, applyEdits, modify } from 'jsonc-parser';

/**
 * The config text with `buckets[index]` changed from `before` to `after`: one edit per key that
 * changed, was added or was removed; keys that did not change keep their text.
 */
export function editBucketEntry(text: string, index: number, before: Record<string, unknown>, after: Record<string, unknown>): string {
  const formattingOptions = formattingOf(text);
  const changed = Object.keys(after).filter((key) => !isDeepStrictEqual(before[key], after[key]));
  const removed = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
  // A new value is laid out in the file's indentation; a removal needs no layout, and formatting
  // it would reflow the rest of the entry's line.
  const edited = changed.reduce((current, key) => applyEdits(current, modify(current, ['buckets', index, key], after[key], { formattingOptions })), text);
  return removed.reduce((current, key) => applyEdits(current, modify(current, ['buckets', index, key], undefined, {})), edited);
}

/** The file's own indentation and line ends, for the lines an edit adds. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  const tabs = indent.startsWith('\t');
  return { insertSpaces: !tabs, tabSize: tabs ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}
