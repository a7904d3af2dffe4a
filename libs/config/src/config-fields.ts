/**
 * Leaf fields of a typed configuration: each knows its default, how to parse a raw value from a
 * file (JSON value), an environment variable or a flag (strings), and how to explain a bad value.
 */

/** Where a configuration value came from, named in every validation error. */
export type ConfigSource =
  | { readonly layer: 'default' }
  | { readonly layer: 'file'; readonly path: string }
  | { readonly layer: 'env'; readonly variable: string }
  | { readonly layer: 'flag'; readonly flag: string };

/** Thrown by a field's parser; the loader adds the field path and the source. */
export class FieldValueError extends Error {
  override readonly name = 'FieldValueError';
}

export interface ConfigField<T> {
  readonly isConfigField: true;
  readonly defaultValue: T;
  readonly description: string;
  /** Environment variable overriding this field; derived from the field path when omitted. */
  readonly env?: string;
  /** Parses a JSON value (file) or a string (env, flag); throws {@link FieldValueError}. */
  parse(raw: unknown): T;
  /** The allowed values of an enum field (CLI choices, help texts). */
  readonly choices?: readonly string[];
}

interface FieldOptions<T> {
  readonly default: T;
  readonly description: string;
  readonly env?: string;
}

function make<T>(options: FieldOptions<T>, parse: (raw: unknown) => T): ConfigField<T> {
  return {
    isConfigField: true,
    defaultValue: options.default,
    description: options.description,
    ...(options.env === undefined ? {} : { env: options.env }),
    parse,
  };
}

function integerOf(raw: unknown): number {
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new FieldValueError(`expected an integer, got ${describe(raw)}`);
  }
  return value;
}

function describe(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : `${typeof raw} ${JSON.stringify(raw)}`;
}

/** An integer in [min, max] (both inclusive). */
export function integerField(options: FieldOptions<number> & { min: number; max: number }): ConfigField<number> {
  return make(options, (raw) => {
    const value = integerOf(raw);
    if (value < options.min || value > options.max) {
      throw new FieldValueError(`expected an integer from ${options.min} to ${options.max}, got ${value}`);
    }
    return value;
  });
}

/** A TCP port; 0 asks the operating system for a free one. */
export function portField(options: FieldOptions<number>): ConfigField<number> {
  return integerField({ ...options, min: 0, max: 65535 });
}

/** A string, optionally required to be non-empty. */
export function stringField(options: FieldOptions<string> & { nonEmpty?: boolean }): ConfigField<string> {
  return make(options, (raw) => {
    if (typeof raw !== 'string') throw new FieldValueError(`expected a string, got ${describe(raw)}`);
    if (options.nonEmpty === true && raw.length === 0) throw new FieldValueError('must not be empty');
    return raw;
  });
}

/** true/false; environment and flags also accept 1/0, yes/no, on/off. */
export function booleanField(options: FieldOptions<boolean>): ConfigField<boolean> {
  return make(options, (raw) => {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string') {
      const lowered = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
      if (['false', '0', 'no', 'off'].includes(lowered)) return false;
    }
    throw new FieldValueError(`expected true or false, got ${describe(raw)}`);
  });
}

/** One of a fixed set of strings. */
export function enumField<const Choices extends readonly string[]>(
  options: FieldOptions<Choices[number]> & { choices: Choices },
): ConfigField<Choices[number]> {
  const field = make(options, (raw) => {
    if (typeof raw !== 'string' || !options.choices.includes(raw)) {
      throw new FieldValueError(`expected one of ${options.choices.join(', ')}, got ${describe(raw)}`);
    }
    return raw;
  });
  return { ...field, choices: options.choices };
}

/** A list of strings; from env and flags, comma-separated. Each item is checked by `item`. */
export function stringListField(
  options: FieldOptions<readonly string[]> & { item?: (value: string) => void },
): ConfigField<readonly string[]> {
  return make(options, (raw) => {
    const list =
      typeof raw === 'string'
        ? raw.split(',').map((part) => part.trim()).filter((part) => part.length > 0)
        : raw;
    if (!Array.isArray(list) || !list.every((value) => typeof value === 'string')) {
      throw new FieldValueError(`expected a list of strings, got ${describe(raw)}`);
    }
    for (const value of list) options.item?.(value);
    return Object.freeze([...list]);
  });
}
