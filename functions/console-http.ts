/**
 * The marketing console (its own Function URL in AWS, /console on the app's port locally): sign-in on the
 * Cognito user pool, then server-rendered pages checked for session, role, origin and CSRF token on every
 * request. The pipeline is functions/console/app.ts; the pages are the table in functions/console/routes.ts.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { logger, tracer } from './commons/runtime.ts';
import { createConsole } from './console/app.ts';
import { consoleDeps } from './console/deps.ts';
import { ROUTES } from './console/routes.ts';

let app: ReturnType<typeof createConsole> | undefined;

export const route = (event: LambdaFunctionURLEvent): Promise<LambdaFunctionURLResult> => {
  app ??= createConsole(consoleDeps(), ROUTES);
  return app(event);
};

export const handler = middy<LambdaFunctionURLEvent, LambdaFunctionURLResult>()
  .use(injectLambdaContext(logger))
  // Pages of the console carry survey answers and addresses: no trace keeps them.
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .handler(route);
