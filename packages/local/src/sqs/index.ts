export { SqsError } from './errors';
export { md5Hex, md5OfMessageAttributes, type MessageAttributeValue } from './md5';
export { SqsQueue, queueArn, queueNameFromArn, type QueueState, type StoredMessage, type SendInput, type RedrivePolicy } from './queue';
export { SqsStore, MOVE_TASK_STATUS, SQS_LOG_KIND, type MoveTask, type ReceiveOptions, type SqsStoreOptions } from './store';
export { SqsService, queueNameFromUrl, queueUrlFor, type SqsServiceOptions } from './service';
