/**
 * The names of the parameter files the CLI generates (`recops sample`, the demo, `recops prepare`):
 * derived from the dataset group's name, so two generated groups never claim the same account-wide
 * Personalize name, and within 63 characters after a stage prefix wherever the group name fits.
 */
import { nameProblem, resolvePlan, validateParameterFile, type ParameterFile } from '@recops/core';
import { describe, expect, it } from 'vitest';
import { demoParameterFile } from '../../packages/cli/src/demo/parameter-file';
import { preparedParameterFile } from '../../packages/cli/src/prepare/parameter-file';

/** Every Personalize name the plan of `file` gives on `stage`, resource kind first. */
function planNames(file: Record<string, unknown>, stage: string): string[] {
  const validation = validateParameterFile(file);
  if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
  const plan = resolvePlan(validation.file as ParameterFile, { bucket: 'b', configKey: 'train/x/config.json', stage });
  return [
    ...plan.datasets.flatMap((d) => [`dataset ${d.name}`, `schema ${d.schema.name}`]),
    ...plan.solutions.flatMap((s) => [`solution ${s.name}`, ...s.campaigns.map((c) => `campaign ${c.name}`)]),
    ...plan.filters.map((f) => `filter ${f.name}`),
    ...(plan.eventTracker ? [`eventTracker ${plan.eventTracker.name}`] : []),
  ];
}

const GENERATORS = { sample: demoParameterFile, prepare: preparedParameterFile };

describe.each(Object.entries(GENERATORS))('the %s parameter file', (_, generate) => {
  it('names every resource after its dataset group, so two groups share no name', () => {
    const first = planNames(generate('movies-a'), 'local');
    const second = planNames(generate('movies-b'), 'local');
    expect(first.length).toBeGreaterThan(6);
    for (const name of first) expect(name).toMatch(/^\w+ local-movies-a-[a-z-]+$/);
    const names = (list: string[]) => list.map((entry) => entry.split(' ')[1]);
    expect(names(first).filter((name) => names(second).includes(name))).toEqual([]);
  });

  it('fits 63 characters after a 15-character stage prefix, and two long group names sharing their start stay apart', () => {
    const head = 'a-dataset-group-with-a-long-name-';
    const first = planNames(generate(`${head}one`), 'fifteen-chars-x');
    const second = planNames(generate(`${head}two`), 'fifteen-chars-x');
    for (const entry of [...first, ...second]) {
      const name = entry.split(' ')[1] as string;
      expect(nameProblem(name), entry).toBeUndefined();
      expect(name.length, entry).toBeLessThanOrEqual(63);
    }
    expect(new Set([...first, ...second]).size).toBe(first.length + second.length);
    // The kind of resource stays readable at the end of a shortened name.
    expect(
      first.some((entry) => /^campaign fifteen-chars-x-a-data\S*-[0-9a-f]{8}-(user-personalization-campaign|personalization)$/.test(entry)),
    ).toBe(true);
  });

  it('fits wherever the dataset group name itself fits after the stage prefix', () => {
    const group = `g${'x'.repeat(54)}`; // 55 characters: with "staging-" exactly 63
    expect(() => planNames(generate(group), 'staging')).not.toThrow();
    for (const entry of planNames(generate(group), 'staging'))
      expect((entry.split(' ')[1] as string).length, entry).toBeLessThanOrEqual(63);
    // Deterministic: the same group name gives the same names.
    expect(planNames(generate(group), 'staging')).toEqual(planNames(generate(group), 'staging'));
  });
});
