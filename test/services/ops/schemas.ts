/** Avro schemas the ops tests create, in the form Personalize stores them. */

/** A Users schema with one categorical field. */
export const usersSchema = {
  type: 'record',
  name: 'Users',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'GENDER', type: 'string', categorical: true },
  ],
  version: '1.0',
};
