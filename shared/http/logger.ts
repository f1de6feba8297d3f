import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger for the service (module scope; level from POWERTOOLS_LOG_LEVEL). */
export const logger = new Logger({ serviceName: 'partnerships' });
