/**
 * Stand-ins for the names dist/kaa.js exports before it has loaded the
 * lazy part (load.ts): each is a Proxy that loads the part on first real
 * use and then forwards everything to the real class or function. So
 * `new kaa.Process(…)`, `kaa.threaded(…)`, statics, `class X extends
 * kaa.Socket`, `x instanceof kaa.IOChannel` and `p.constructor ===
 * kaa.Process` all behave as with the real binding. An `instanceof` check
 * before anything was loaded answers false without loading (no instance
 * can exist yet).
 * @module
 */
import { loadLazyPart } from './load.js';

/** The stand-in of each real class or function, once the part is loaded. */
const standInOf = new WeakMap<object, object>();
/** The stand-ins made so far: name and whether it is a class. */
const made = new Map<string, { proxy: object; isClass: boolean }>();
let linked = false;

const notLoadedHasInstance = (): boolean => false;

/** Loads the part; the first time, points each real class's `constructor` back at its stand-in. */
function real(name: string): object {
    const part = loadLazyPart();
    if (!linked) {
        linked = true;
        for (const [key, { proxy, isClass }] of made) {
            const value = part[key] as { prototype?: { constructor?: unknown } } | undefined;
            if (value === undefined)
                throw new Error(`kaa: kaa-lazy.js does not export ${key} (dist/ mixes two builds?)`);
            standInOf.set(value, proxy);
            if (isClass && value.prototype)
                Object.defineProperty(value.prototype, 'constructor', { value: proxy, writable: true, configurable: true });
        }
    }
    return part[name] as object;
}

function make<T>(name: string, isClass: boolean): T {
    let target: object | null = null;
    const load = () => target ??= real(name);
    const proxy: object = new Proxy(function () { /* never called: the traps forward */ }, {
        get(_t, key, receiver) {
            if (target === null && key === Symbol.hasInstance)
                return notLoadedHasInstance;
            const t = load();
            return Reflect.get(t, key, receiver === proxy ? t : receiver);
        },
        set(_t, key, value, receiver) {
            const t = load();
            return Reflect.set(t, key, value, receiver === proxy ? t : receiver);
        },
        has: (_t, key) => Reflect.has(load(), key),
        deleteProperty: (_t, key) => Reflect.deleteProperty(load(), key),
        ownKeys(_t) {
            const keys = Reflect.ownKeys(load());
            return keys.includes('prototype') ? keys : [...keys, 'prototype'];
        },
        getOwnPropertyDescriptor(_t, key) {
            const desc = Reflect.getOwnPropertyDescriptor(load(), key);
            if (key === 'prototype')   // the target's own `prototype` is writable and not configurable
                return { value: desc?.value, writable: true, enumerable: false, configurable: false };
            return desc && { ...desc, configurable: true };
        },
        getPrototypeOf(_t) {
            const proto = Reflect.getPrototypeOf(load());
            return proto && (standInOf.get(proto) ?? proto);
        },
        apply: (_t, thisArg, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, thisArg, args),
        construct(_t, args, newTarget): object {
            const t = load() as new (...a: unknown[]) => object;
            return Reflect.construct(t, args, newTarget === proxy ? t : newTarget);
        },
    });
    made.set(name, { proxy, isClass });
    return proxy as T;
}

/**
 * A stand-in for the class `name` of the lazy part.
 * @param name - its name in src/lazy/part.ts.
 */
export function lazyClass<T>(name: string): T {
    return make<T>(name, true);
}

/**
 * A stand-in for the function `name` of the lazy part.
 * @param name - its name in src/lazy/part.ts.
 */
export function lazyFunction<T>(name: string): T {
    return make<T>(name, false);
}
