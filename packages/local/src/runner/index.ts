export { HandlerLoadError, HandlerTimeoutError, ManifestError, RunnerError } from './errors';
export { loadHandler, splitHandler, type LambdaHandler } from './handler-loader';
export { lambdaContext, sqsRecord } from './lambda-events';
export { DELIVERY_OUTCOME, SqsEventSource, type Delivery, type DeliveryOutcome } from './sqs-event-source';
export { localNames, servicePrincipal, startRunner, type Runner, type RunnerNames, type RunnerOptions, type RunnerS3 } from './runner';
