import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTERACTION_KEY_FIELDS, personalizeSchema } from '../support/personalize-schema';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Every parameter file fixture, as `folder/name.json`. */
export function fixtureNames(): string[] {
  return ['seed-examples', 'mpe', 'cdk'].flatMap((folder) =>
    readdirSync(join(FIXTURES, folder))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => `${folder}/${name}`),
  );
}

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A fresh parsed copy of a fixture, safe to mutate. */
export function fixture(name: string): Record<string, any> {
  return JSON.parse(fixtureText(name)) as Record<string, any>;
}

/** The smallest valid MPE-format file: a dataset group and an interactions dataset. */
export function minimalFile(): Record<string, any> {
  return {
    datasetGroup: { serviceConfig: { name: 'dsg' } },
    datasets: {
      interactions: {
        dataset: { serviceConfig: { name: 'interactions' } },
        schema: {
          serviceConfig: { name: 'interactions-schema', schema: personalizeSchema('Interactions', INTERACTION_KEY_FIELDS) },
        },
      },
    },
  };
}
