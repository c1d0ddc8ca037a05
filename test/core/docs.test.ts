import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseParameterFileText, resolvePlan, validateParameterFile } from '@recops/core';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'parameter-file.md');
const examples = [...readFileSync(DOC, 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('Document: docs/parameter-file.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((text, index) => [index, text] as const))('example %i is a valid parameter file', (_index, text) => {
    const result = parseParameterFileText(text);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('states the tag outcome the resolver produces for the tag example', () => {
    const example = examples.find((text) => text.includes('dataset-group-name-3')) as string;
    const result = validateParameterFile(JSON.parse(example));
    if (!result.ok) throw new Error('invalid');
    const plan = resolvePlan(result.file, { stage: 'prod', bucket: 'b', configKey: 'train/x/config.json' });
    const project = [{ tagKey: 'project', tagValue: 'user-personalization' }];
    expect(plan.datasetGroup.tags).toEqual(project);
    expect(plan.datasets[0]?.tags).toEqual(project);
    expect(plan.eventTracker?.tags).toEqual(project);
    expect(plan.solutions[0]?.version?.tags).toEqual(project);
    expect(plan.datasets[0]?.importJob?.tags).toEqual([{ tagKey: 'datasets-key', tagValue: 'datasets-value' }]);
    expect(plan.solutions[0]?.tags).toEqual([{ tagKey: 'solution-key', tagValue: 'solution-value' }]);
  });
});
