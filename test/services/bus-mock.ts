/** The EventBridge mock the service tests share: PutEvents accepts everything; tests read what was sent. */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** Makes PutEvents on the mocked client succeed for every entry. */
export function acceptPutEvents(mock: AwsClientStub<EventBridgeClient>): void {
  mock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
}

/** Every entry sent with PutEvents on the mocked client so far, in order. */
export function putEventsEntries(mock: AwsClientStub<EventBridgeClient>): PutEventsRequestEntry[] {
  return mock.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
}
