/**
 * The links of README.md and docs/: every relative link reaches a file of the repository, every
 * `#anchor` (on the same page or another) names a heading of its page, and every page under docs/
 * is linked from README.md. Offline: nothing is fetched, web links are not followed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { filesUnder } from '../support/files';

const root = resolve(__dirname, '..', '..');
const docPages = filesUnder(join(root, 'docs')).filter((path) => path.endsWith('.md')).sort();
const pages = [join(root, 'README.md'), ...docPages];
const name = (path: string) => relative(root, path).split(sep).join('/');

/** The lines outside fenced code blocks (``` or ~~~), so a `# comment` in a shell block is no heading. */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
    } else if (marker) {
      fence = marker;
    } else {
      lines.push(line);
    }
  }
  return lines;
}

/** GitHub's anchor for a heading: the text as rendered, lowercased, punctuation but `-` and `_` dropped, each space a `-`. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
    .replace(/<[^>]+>/g, '') // inline HTML shows nothing of its tags
    .replace(/[*`]/g, '') // emphasis and code marks
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings, with GitHub's -1, -2, ... for a heading text seen before. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** The targets of a page's links and images, inline (`[text](target)`) and reference definitions (`[id]: target`). */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown).join('\n').replace(/(`+)[^`]*?\1/g, 'code').split('\n')) {
    for (const match of line.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]);
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(line);
    if (definition) targets.push(definition[1]);
  }
  return targets;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

describe('the anchor rules (as GitHub makes them)', () => {
  test.each([
    ['Before the first apply: `ica-s3 preflight`', 'before-the-first-apply-ica-s3-preflight'],
    ["The module's own tests", 'the-modules-own-tests'],
    ['Permissions the doctor needs (all read-only)', 'permissions-the-doctor-needs-all-read-only'],
    ['Nothing overwritten; atomic writes', 'nothing-overwritten-atomic-writes'],
    ['Set-up', 'set-up'],
    ['`max_session_duration` and **more**', 'max_session_duration-and-more'],
    ['See [Safety](safety.md)', 'see-safety'],
  ])('%s -> #%s', (heading, expected) => {
    expect(slug(heading)).toBe(expected);
  });

  test('a repeated heading gets -1, -2; a heading in a code block is none', () => {
    const markdown = '# Notes\n## Notes\n### Notes\n```sh\n# Notes in a shell comment\n```\n## Other #\n';
    expect([...anchors(markdown)]).toEqual(['notes', 'notes-1', 'notes-2', 'other']);
  });

  test('links in code are not links; web links are told apart', () => {
    const markdown = 'See [a](docs/a.md#x), `[b](b.md)` and [c](https://example.com).\n```\n[d](d.md)\n```\n[e]: docs/e.md\n';
    expect(linkTargets(markdown)).toEqual(['docs/a.md#x', 'https://example.com', 'docs/e.md']);
    expect(linkTargets(markdown).filter((target) => !isExternal(target))).toEqual(['docs/a.md#x', 'docs/e.md']);
  });
});

test('there are pages under docs/', () => {
  expect(docPages.length).toBeGreaterThan(0);
});

test.each(pages.map((path) => [name(path), path]))('every relative link of %s reaches a file and a heading', (_name, page) => {
  const broken: string[] = [];
  for (const target of linkTargets(readFileSync(page, 'utf8'))) {
    if (isExternal(target)) continue;
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const file = pathPart === '' ? page : resolve(dirname(page), pathPart);
    if (file !== root && !file.startsWith(root + sep)) {
      broken.push(`${target}: outside the repository`);
      continue;
    }
    if (!existsSync(file)) {
      broken.push(`${target}: ${name(file)} does not exist`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!file.endsWith('.md')) {
      broken.push(`${target}: an anchor into a file that is not markdown`);
      continue;
    }
    if (!anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${target}: ${name(file)} has no heading #${anchor}`);
  }
  expect(broken).toEqual([]);
});

test('every page under docs/ is linked from README.md', () => {
  const readme = join(root, 'README.md');
  const linked = new Set(linkTargets(readFileSync(readme, 'utf8'))
    .filter((target) => !isExternal(target))
    .map((target) => resolve(root, decodeURIComponent(target.split('#')[0]))));
  expect(docPages.filter((page) => !linked.has(page)).map(name)).toEqual([]);
});
