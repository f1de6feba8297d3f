/**
 * Imported first by bench/run.ts: environment that module-scope code reads at import time (the
 * Powertools logger's level), set before any service module loads.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
process.env.POWERTOOLS_SERVICE_NAME ??= 'partnerships';
process.env.SERVICE_MODE ??= 'local';
