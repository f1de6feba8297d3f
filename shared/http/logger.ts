/** The service's logger (shared/logger.ts), where the HTTP wrapper has always imported it from. */
export { logger } from '../logger';
