/** Avro schemas the way Personalize takes them, for test data. */

export interface SchemaField {
  readonly name: string;
  readonly type: string | readonly string[];
  readonly categorical?: boolean;
  readonly textual?: boolean;
}

/** The fields every Interactions schema starts with. */
export const INTERACTION_KEY_FIELDS: readonly SchemaField[] = [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
];

/** A Personalize schema: an Avro record in Personalize's namespace, version 1.0; a fresh copy each call. */
export function personalizeSchema(recordName: string, fields: readonly SchemaField[]) {
  return {
    type: 'record',
    name: recordName,
    namespace: 'com.amazonaws.personalize.schema',
    fields: structuredClone(fields) as SchemaField[],
    version: '1.0',
  };
}
