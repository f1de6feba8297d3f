/** Catch-all for unknown routes (deployed: the HTTP API's $default route), in the spec's error format. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse } from '../../shared/http/errors';

export const handler = (): Promise<APIGatewayProxyStructuredResultV2> => Promise.resolve(errorResponse(404, 'not_found', 'No such route.'));
