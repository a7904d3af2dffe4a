import { readFileSync } from 'node:fs';
import { ObjectBoxError } from '@objectbox/util';
import { type ConfigField, type ConfigSource, FieldValueError } from './config-fields.js';

/**
 * Loads a typed configuration from four layers, later ones winning:
 * defaults < file (JSON) < environment < flags. Validation happens once, here; the result is frozen.
 * Any bad value, unknown file key or unreadable file throws {@link ConfigError}, whose message
 * names the field and where the value came from, so a CLI can print it as one line.
 */

/** A tree of fields: the shape of a configuration. */
export interface ConfigSchema {
  readonly [key: string]: ConfigField<unknown> | ConfigSchema;
}

/** The value type a schema describes. */
export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends ConfigField<infer T> ? T : S[K] extends ConfigSchema ? ConfigOf<S[K]> : never;
};

export class ConfigError extends ObjectBoxError {
  readonly code = 'InvalidConfig';
  readonly kind = 'invalid-argument';
  constructor(
    readonly fieldPath: string,
    readonly source: ConfigSource,
    readonly reason: string,
  ) {
    super(`invalid configuration: ${fieldPath} ${describeSource(source)}: ${reason}`);
  }
}

export function describeSource(source: ConfigSource): string {
  switch (source.layer) {
    case 'default':
      return '(default)';
    case 'file':
      return `(from file ${source.path})`;
    case 'env':
      return `(from environment variable ${source.variable})`;
    case 'flag':
      return `(from flag --${source.flag})`;
  }
}

export interface ConfigLayers {
  /** Path of a JSON file; a missing or malformed file is an error. */
  readonly filePath?: string;
  /** Usually `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Prefix of derived environment variable names, e.g. 'OBJECTBOX'. */
  readonly envPrefix?: string;
  /** Values from command-line flags keyed by dotted field path; `flagNames` says how to name them. */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly flagNames?: Readonly<Record<string, string>>;
}

function isField(node: ConfigField<unknown> | ConfigSchema): node is ConfigField<unknown> {
  return (node as ConfigField<unknown>).isConfigField === true;
}

/** The environment variable for a field: explicit, or PREFIX_PATH_IN_SNAKE_CASE. */
export function envVariableOf(path: readonly string[], field: ConfigField<unknown>, prefix: string): string {
  if (field.env !== undefined) return field.env;
  const snake = path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase());
  return [prefix, ...snake].join('_');
}

/** Every leaf of a schema with its dotted path (for help texts and docs). */
export function listFields(schema: ConfigSchema, prefix: readonly string[] = []): Array<{ path: string[]; field: ConfigField<unknown> }> {
  return Object.entries(schema).flatMap(([key, node]) =>
    isField(node) ? [{ path: [...prefix, key], field: node }] : listFields(node, [...prefix, key]),
  );
}

function readFileLayer(filePath: string): Record<string, unknown> {
  const source: ConfigSource = { layer: 'file', path: filePath };
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new ConfigError('(file)', source, `cannot read it: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the top level must be an object');
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError('(file)', source, `not valid JSON: ${(error as Error).message}`);
  }
}

function checkNoUnknownKeys(schema: ConfigSchema, value: Record<string, unknown>, filePath: string, prefix: string[]): void {
  for (const [key, child] of Object.entries(value)) {
    const node = schema[key];
    const path = [...prefix, key].join('.');
    if (node === undefined) throw new ConfigError(path, { layer: 'file', path: filePath }, 'unknown field');
    if (!isField(node)) {
      if (typeof child !== 'object' || child === null || Array.isArray(child)) {
        throw new ConfigError(path, { layer: 'file', path: filePath }, 'expected an object');
      }
      checkNoUnknownKeys(node, child as Record<string, unknown>, filePath, [...prefix, key]);
    }
  }
}

function valueAt(tree: Record<string, unknown> | undefined, path: readonly string[]): unknown {
  let node: unknown = tree;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setAt(tree: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Loads and validates a configuration; throws {@link ConfigError} naming the first bad field. */
export function loadConfig<S extends ConfigSchema>(schema: S, layers: ConfigLayers = {}): ConfigOf<S> {
  const file = layers.filePath === undefined ? undefined : readFileLayer(layers.filePath);
  if (file !== undefined && layers.filePath !== undefined) checkNoUnknownKeys(schema, file, layers.filePath, []);
  const result: Record<string, unknown> = {};
  for (const { path, field } of listFields(schema)) {
    const dotted = path.join('.');
    const variable = envVariableOf(path, field, layers.envPrefix ?? 'OBJECTBOX');
    const candidates: Array<[unknown, ConfigSource]> = [
      [valueAt(file, path), { layer: 'file', path: layers.filePath ?? '' }],
      [layers.env?.[variable], { layer: 'env', variable }],
      [layers.flags?.[dotted], { layer: 'flag', flag: layers.flagNames?.[dotted] ?? dotted }],
    ];
    let value = field.defaultValue;
    for (const [raw, source] of candidates) {
      if (raw === undefined) continue;
      try {
        value = field.parse(raw);
      } catch (error) {
        if (error instanceof FieldValueError) throw new ConfigError(dotted, source, error.message);
        throw error;
      }
    }
    setAt(result, path, value);
  }
  return deepFreeze(result) as ConfigOf<S>;
}
