/**
 * zod's issues in the config file's words: every issue becomes problems that name the JSON path,
 * the fault, the catalogue rule and the fix (an unknown key with the closest known one).
 */
import { z } from 'zod';
import { configSchema } from './config-schema';
import { ConfigProblem, formatPath } from './resolved-config';
import { RuleId, ruleProblem } from './rule-catalogue';
import { closestSpelling } from './spelling';

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A value as messages quote it: JSON where it has one (BigInt and cycles have none: no throw). */
export function display(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {
    // not representable as JSON
  }
  return typeof value === 'bigint' ? `${value}n` : typeName(value);
}

/** The keys an object schema at `path` allows, found by walking the schema along the raw input. */
function allowedKeys(raw: unknown, path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  for (let depth = 0; depth <= path.length; depth++) {
    for (;;) {
      if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
      else if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
      else if (schema instanceof z.ZodDiscriminatedUnion) {
        const value = valueAt(raw, path.slice(0, depth)) as Record<string, unknown> | undefined;
        const discriminator = schema.def.discriminator;
        const option = (schema.options as z.ZodObject[]).find((candidate) =>
          (candidate.shape[discriminator] as z.ZodLiteral).values.has(value?.[discriminator] as never));
        if (!option) return [];
        schema = option;
      } else break;
    }
    if (depth === path.length) break;
    const key = path[depth];
    if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject) schema = schema.shape[String(key)] as z.ZodType;
    else return [];
    if (!schema) return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Turns one zod issue into problems that name the path, the fault and the fix. */
export function problemsOfIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'custom':
      // Every custom issue comes from a catalogue rule (config-schema's addProblem).
      return [{ path, rule: issue.params?.rule as RuleId, message: issue.message, fix: String(issue.params?.fix) }];
    case 'unrecognized_keys': {
      const allowed = allowedKeys(raw, issue.path);
      return issue.keys.map((key) => {
        const closest = closestSpelling(key, allowed);
        const hint = closest ? `did you mean "${closest}"? ` : '';
        return {
          path: formatPath([...issue.path, key]),
          rule: 'schema.unknown-key' as const,
          message: `unknown key ${JSON.stringify(key)}`,
          fix: `${hint}remove it or use one of: ${allowed.join(', ')}`,
        };
      });
    }
    case 'invalid_type': {
      const value = valueAt(raw, issue.path);
      if (value === undefined) {
        return [{ path, rule: 'schema.required', message: 'is required', fix: `add ${path} (${issue.expected})` }];
      }
      if (issue.expected === 'int' && typeof value === 'number') return [{ path, ...ruleProblem('schema.number', value) }];
      // zod calls a string map a record; the config file calls it an object.
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      return [{ path, rule: 'schema.type', message: `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}, not ${typeName(value)}`, fix: `write ${path} as ${expected === 'array' ? 'a JSON list' : `a JSON ${expected}`}` }];
    }
    case 'invalid_value':
      return [{
        path,
        rule: 'schema.enum',
        message: `${display(valueAt(raw, issue.path))} is not allowed`,
        fix: `use one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`,
      }];
    case 'invalid_union': {
      const discriminated = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[] };
      const value = valueAt(raw, issue.path);
      if (discriminated.options) {
        return [{
          path,
          rule: value === undefined ? 'schema.required' : 'schema.enum',
          message: value === undefined ? 'is required' : `${display(value)} is not allowed`,
          fix: `use one of ${discriminated.options.map((option) => JSON.stringify(option)).join(', ')}`,
        }];
      }
      return [{ path, rule: 'schema.shape', message: 'does not match any allowed form', fix: 'see the config reference in docs/configuration.md' }];
    }
    case 'too_small':
      if (issue.origin === 'number') return [{ path, rule: 'schema.too-small', message: `${display(valueAt(raw, issue.path))} is less than ${String(issue.minimum)}`, fix: `give at least ${String(issue.minimum)}` }];
      return [{
        path,
        rule: 'schema.too-small',
        message: issue.origin === 'array' ? 'is empty' : issue.origin === 'string' ? 'is empty' : issue.message,
        fix: issue.origin === 'array' ? `give at least ${String(issue.minimum)} entry` : 'give a value',
      }];
    case 'too_big':
      if (issue.origin === 'number') return [{ path, rule: 'schema.too-big', message: `${display(valueAt(raw, issue.path))} is more than ${String(issue.maximum)}`, fix: `give at most ${String(issue.maximum)}` }];
      return [{
        path,
        rule: 'schema.too-big',
        message: issue.origin === 'array' ? `has more than ${String(issue.maximum)} entries` : issue.origin === 'string' ? `is longer than ${String(issue.maximum)} characters` : issue.message,
        fix: issue.origin === 'array' ? `give at most ${String(issue.maximum)} entries` : 'give a shorter value',
      }];
    case 'invalid_format':
      return [{ path, rule: 'schema.shape', message: `${display(valueAt(raw, issue.path))} ${issue.message.toLowerCase()}`, fix: 'see the config reference in docs/configuration.md' }];
    default:
      return [{ path, rule: 'schema.shape', message: issue.message, fix: 'see the config reference in docs/configuration.md' }];
  }
}
