// The module scripts/build.mjs generates while it bundles dist/kaa.js: a
// function returning, for every core module dist/kaa-lazy.js imports (by its
// path under src/ without the extension, 'notifier/loop'), the values it
// imports from it. See src/lazy/.
declare module 'kaa:lazy-core' {
    const coreModules: () => Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    export default coreModules;
}
