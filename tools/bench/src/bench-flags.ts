/** Flag values of the subcommands: strict parsing with the flag named in every error. */

export class FlagError extends Error {}

export function positiveNumberFlag(name: string, raw: string): number {
  const value = Number(raw);
  if (!(Number.isFinite(value) && value > 0)) throw new FlagError(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

export function positiveIntegerFlag(name: string, raw: string): number {
  const value = positiveNumberFlag(name, raw);
  if (!Number.isInteger(value)) throw new FlagError(`--${name} must be an integer, got "${raw}"`);
  return value;
}

export function positiveIntegerListFlag(name: string, raw: string): number[] {
  const values = raw.split(',').map((part) => positiveIntegerFlag(name, part.trim()));
  if (values.length === 0) throw new FlagError(`--${name} needs at least one value`);
  return values;
}

export function choiceListFlag<T extends string>(name: string, raw: string, choices: readonly T[]): T[] {
  const values = raw.split(',').map((part) => part.trim());
  for (const value of values) {
    if (!choices.includes(value as T)) throw new FlagError(`--${name}: "${value}" is not one of ${choices.join(', ')}`);
  }
  return values as T[];
}
