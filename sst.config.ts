/**
 * recops on AWS: `npx sst deploy --stage NAME`. Kept thin: the app settings here, the resources in
 * `stacks/`, read from `services/manifest.ts`. The globals (`$config`, `$app`, `sst`, `aws`) come
 * from SST at deploy time; `stacks/globals.d.ts` types them offline and `test/infra/stand-in/` records
 * what `run()` builds. Written against SST 4.17 (see the README's deploy section).
 */
export default $config({
  app(input) {
    // Same list as PRODUCTION_STAGES in packages/platform/src/stage-names.ts (app() must not import: SST evaluates it alone).
    const production = input?.stage === 'prod' || input?.stage === 'production';
    return {
      name: 'recops',
      home: 'aws',
      // Production keeps its data and refuses `sst remove`; other stages clean up after themselves.
      removal: production ? 'retain' : 'remove',
      protect: production,
      providers: { aws: { region: process.env.AWS_REGION ?? 'us-east-1' } },
    };
  },
  async run() {
    const { deployRecops } = await import('./stacks/index');
    const { loadStackOptions } = await import('./stacks/config');
    const { SERVICES } = await import('@recops/services/manifest');
    return { ...deployRecops(SERVICES, loadStackOptions(process.env, $app.stage)) };
  },
});
