/**
 * Handlebars set-up, in one place: every helper and partial is registered here, and templates
 * compile in strict mode (a missing field is an error), with only these helpers
 * (knownHelpersOnly) and no HTML escaping (noEscape: all quoting is the `hcl` helper's).
 */
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hclValue } from './hcl';

/** templates/ of the package, from source (modules/generator) and from dist/modules/generator. */
export function templatesDir(): string {
  const candidates = [join(__dirname, '..', '..', 'templates'), join(__dirname, '..', '..', '..', 'templates')];
  const found = candidates.find((dir) => { try { return readdirSync(join(dir, 'partials')).length > 0; } catch { return false; } });
  if (!found) throw new Error(`templates/ not found next to ${__dirname}`);
  return found;
}

/** The helpers, each small and named for what it renders. */
const HELPERS = {
  /** Any JSON value as an HCL literal, escaping quotes, control characters, `${` and `%{`. */
  hcl: (value: unknown) => hclValue(value),
  /** A value as compact JSON (README tables). */
  json: (value: unknown) => JSON.stringify(value),
  /** Text safe inside a markdown table cell: pipes and angle brackets escaped, line breaks as <br>. */
  mdCell: (text: string) => String(text).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>'),
  /** A multi-line HCL type on one line, for tables. */
  oneLine: (text: string) => String(text).replace(/\s+/g, ' '),
} as const;

const COMPILE_OPTIONS = {
  strict: true,
  knownHelpersOnly: true,
  noEscape: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true])),
} as const;

export type Render = (template: string, context: object) => string;

/** Registers every helper and every partial of templates/partials once; compiles on first use. */
export function createRenderer(): Render {
  const handlebars = Handlebars.create();
  handlebars.registerHelper(HELPERS);
  const dir = templatesDir();
  for (const file of readdirSync(join(dir, 'partials')).filter((name) => name.endsWith('.hbs')).sort()) {
    handlebars.registerPartial(file.replace(/\.hbs$/, ''), handlebars.compile(readFileSync(join(dir, 'partials', file), 'utf8'), COMPILE_OPTIONS));
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  return (template, context) => {
    let render = compiled.get(template);
    if (!render) {
      render = handlebars.compile(readFileSync(join(dir, template), 'utf8'), COMPILE_OPTIONS);
      compiled.set(template, render);
    }
    return render(context);
  };
}
