/** Names for resources SST does not name itself (raw Pulumi resources). All carry app and stage. */

/** `recops-<stage>-<suffix>`, cut to `max` characters the way SST's prefixName shortens names. */
export function stageName(suffix: string, max = 64): string {
  const full = `${$app.name}-${$app.stage}-${suffix}`;
  if (full.length <= max) return full;
  const room = max - suffix.length - 1;
  if (room < 1) throw new Error(`Resource name suffix "${suffix}" is longer than ${max - 2} characters`);
  return `${`${$app.name}-${$app.stage}`.slice(0, room)}-${suffix}`;
}

/** `config-intake` → `ConfigIntake`: logical names for SST components. */
export function pascalCase(kebab: string): string {
  return kebab
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
