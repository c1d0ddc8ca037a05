/** Issue 3: the documented outcome of mpe-tags-dataset-group-2.json, and the training and import mode rules. */
import { describe, expect, it } from 'vitest';
import { parseParameterFileText, resolvePlan, validateParameterFile } from '@recops/core';
import { fixture, fixtureText } from './helpers';

const tag = (tagKey: string, tagValue: string) => [{ tagKey, tagValue }];

describe('Function: resolvePlan, tags on every component (seed-examples/mpe-tags-dataset-group-2.json)', () => {
  it('gives each component its own tags, the import jobs the datasets tags, and keeps trainingMode and importMode', () => {
    // Act
    const result = parseParameterFileText(fixtureText('seed-examples/mpe-tags-dataset-group-2.json'));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const plan = resolvePlan(result.file, { stage: 'prod', bucket: 'b', configKey: 'train/g/config.json' });

    // Assess
    const dataset = (type: string) => plan.datasets.find((d) => d.type === type);
    expect(plan.datasetGroup.tags).toEqual(tag('dataset-group-key', 'dataset-group-value'));
    expect(dataset('INTERACTIONS')?.tags).toEqual(tag('interactions-dataset-key', 'interactions-dataset-value'));
    expect(dataset('ITEMS')?.tags).toEqual(tag('items-dataset-key', 'items-dataset-value'));
    expect(dataset('USERS')?.tags).toEqual(tag('users-dataset-key', 'users-dataset-value'));
    for (const type of ['INTERACTIONS', 'ITEMS', 'USERS']) {
      expect(dataset(type)?.importJob?.tags, type).toEqual(tag('datasets-key', 'datasets-value'));
      expect(dataset(type)?.importJob?.importMode, type).toBe('FULL');
    }
    expect(plan.eventTracker?.tags).toEqual(tag('event-tracker-key', 'event-tracker-value'));
    expect(plan.solutions[0]?.tags).toEqual(tag('solution-key', 'solution-value'));
    expect(plan.solutions[0]?.version).toMatchObject({ trainingMode: 'FULL', tags: tag('solution-version-key', 'solution-version-value') });
  });
});

describe('Function: validateParameterFile, modes', () => {
  it('refuses a trainingMode other than FULL or UPDATE at its path', () => {
    const file = fixture('seed-examples/mpe-tags-dataset-group-2.json');
    file.solutions[0].serviceConfig.solutionVersion.trainingMode = 'PARTIAL';
    const result = validateParameterFile(file);
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'solutions[0].serviceConfig.solutionVersion.trainingMode', message: expect.stringMatching(/FULL.*UPDATE/) },
    ]);
  });

  it('refuses an importMode other than FULL or INCREMENTAL at its path', () => {
    const file = fixture('seed-examples/mpe-tags-dataset-group-2.json');
    file.datasets.serviceConfig.importMode = 'APPEND';
    const result = validateParameterFile(file);
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'datasets.serviceConfig.importMode', message: expect.stringMatching(/FULL.*INCREMENTAL/) },
    ]);
  });
});
