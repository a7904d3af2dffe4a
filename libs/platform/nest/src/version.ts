import { createRequire } from 'node:module';

/** The ObjectBox version, from this package's manifest (all workspace packages share it). */
export const objectboxVersion: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
