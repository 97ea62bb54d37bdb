// The module scripts/build.mjs generates while it bundles dist/kaa.js: the
// namespace object of every core module that dist/kaa-lazy.js imports, by
// its path under src/ without the extension ('notifier/loop'). See src/lazy/.
declare module 'kaa:lazy-core' {
    const modules: Readonly<Record<string, object>>;
    export default modules;
}
