/** Catch-all for unknown routes (deployed: the HTTP API's $default route), in the spec's error format. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse } from '../../shared/http/errors';

export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => errorResponse(404, 'not_found', 'No such route.');
