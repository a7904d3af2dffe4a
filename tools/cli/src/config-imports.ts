// Re-exports what the CLI needs from libs/config and libs/observability, in one place.
export { loadConfig, objectboxConfigSchema, serviceConfigKey, serviceNames, type ObjectBoxConfig, type ServiceName } from '@objectbox/config';
export { logLevels } from '@objectbox/observability';
