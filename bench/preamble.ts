/**
 * Imported first by bench/run.ts: environment that module-scope code reads at import time (the
 * Powertools logger's level), set before any service module loads.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
process.env.POWERTOOLS_SERVICE_NAME ??= 'partnerships';
process.env.SERVICE_MODE ??= 'local';
// The cost model reads each command's consumed capacity (shared/store/client.ts; never set deployed).
process.env.DYNAMODB_RETURN_CONSUMED_CAPACITY ??= 'TOTAL';
// EMF lines would flood the bench's output; the emission code still runs up to the print.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
