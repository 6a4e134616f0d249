/**
 * Handlebars set-up, in one place: every helper and partial is registered here, and templates
 * compile in strict mode (a missing field is an error) with only these helpers and no HTML
 * escaping (all quoting is `hcl`'s).
 */
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hclValue } from './hcl';

/** templates/ of the package, from source (modules/generator) and from dist/modules/generator. */
export function templatesDir(): string {
  const candidates = [join(__dirname, '..', '..', 'templates'), join(__dirname, '..', '..', '..', 'templates')];
  const found = candidates.find((dir) => { try { return readdirSync(dir).length > 0; } catch { return false; } });
  if (!found) throw new Error(`templates/ not found next to ${__dirname}`);
  return found;
}

export type Render = (template: string, context: object) => string;

export function createRenderer(): Render {
  const handlebars = Handlebars.create();
  handlebars.registerHelper({
    /** Any JSON value as an HCL literal, escaping `${` and `%{`. */
    hcl: (value: unknown) => hclValue(value),
    /** A value as compact JSON (README tables). */
    json: (value: unknown) => JSON.stringify(value),
    /** Text safe inside a markdown table cell. */
    mdCell: (text: string) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' '),
    /** Multi-line HCL types on one line, for tables. */
    oneLine: (text: string) => String(text).replace(/\s*\n\s*/g, ' '),
  });
  const dir = templatesDir();
  for (const file of readdirSync(join(dir, 'partials'))) {
    handlebars.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(join(dir, 'partials', file), 'utf8'));
  }
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  return (template, context) => {
    let render = compiled.get(template);
    if (!render) {
      render = handlebars.compile(readFileSync(join(dir, template), 'utf8'), { strict: true, knownHelpersOnly: true, noEscape: true, knownHelpers: { hcl: true, json: true, mdCell: true, oneLine: true } });
      compiled.set(template, render);
    }
    return render(context);
  };
}
