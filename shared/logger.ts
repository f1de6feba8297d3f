import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger for the service (module scope; level from POWERTOOLS_LOG_LEVEL): the HTTP
 * wrapper, the workflow tasks, the job and the use cases that log (a failed workflow call) share it.
 */
export const logger = new Logger({ serviceName: 'partnerships' });
