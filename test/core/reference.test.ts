import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderParameterReference, withParameterReference } from '../../packages/core/src/reference';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');

describe('Document: README parameter reference', () => {
  it('matches the schema (run `npm run docs:params` after changing the parameter file schema)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(withParameterReference(readme)).toBe(readme);
  });

  it('lists every field of the schema, including deep and CDK-only ones', () => {
    const reference = renderParameterReference();
    for (const path of [
      'datasetGroup.serviceConfig.name',
      'datasets.serviceConfig.importMode',
      'datasetGroup.datasets[].datasetImportJob.serviceConfig.dataSource.dataLocation',
      'solutions[].serviceConfig.solutionConfig.autoTrainingConfig.schedulingExpression',
      'solutions[].batchInferenceJobs[].workflowConfig.schedule',
      'solutions[].campaigns[].solutionversion',
      'recommenders[].createRecommender',
      'preprocessing.run',
    ]) {
      expect(reference).toContain(`| \`${path}\` |`);
    }
  });
});
