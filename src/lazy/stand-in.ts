/**
 * Stand-ins for the names dist/kaa.js exports before it has loaded the
 * lazy part (load.ts): each is a Proxy that loads the part on first real
 * use and then forwards everything to the real class or function. So
 * `new kaa.Process(…)`, `kaa.threaded(…)`, statics, `class X extends
 * kaa.Socket`, `x instanceof kaa.IOChannel` and `p.constructor ===
 * kaa.Process` all behave as with the real binding. An `instanceof` check
 * before the part is loaded (by any stand-in, or by `InProgress.any()`…)
 * answers false without loading it: no instance can exist yet.
 *
 * Start-up allocates as little as it can here (bench startup: peak RSS
 * grows in steps with what start-up allocates): one handler serves every
 * stand-in, and each stand-in is its target function, which carries its
 * name, and the Proxy.
 * @module
 */
import { isLazyPartLoaded, loadLazyPart } from './load.js';

/** A stand-in's target: never called (the traps forward), it only carries what the traps need. */
interface Target {
    (): void;
    /** The name in src/lazy/part.ts. */
    kaaName: string;
    /** The real class or function, once loaded. */
    kaaReal: object | null;
}

/** The stand-in of each real class or function, once the part is loaded. */
const standInOf = new WeakMap<object, object>();
/** The stand-ins made so far, by name, and whether each is a class. */
const made: { name: string; proxy: object; isClass: boolean }[] = [];
let linked = false;

const notLoadedHasInstance = (): boolean => false;

/** Loads the part; the first time, points each real class's `constructor` back at its stand-in. */
function load(target: Target): object {
    if (target.kaaReal !== null)
        return target.kaaReal;
    const part = loadLazyPart();
    if (!linked) {
        linked = true;
        for (const { name, proxy, isClass } of made) {
            const value = part[name] as { prototype?: object } | undefined;
            if (value === undefined)
                throw new Error(`kaa: kaa-lazy.js does not export ${name} (dist/ mixes two builds?)`);
            standInOf.set(value, proxy);
            if (isClass && value.prototype)
                Object.defineProperty(value.prototype, 'constructor', { value: proxy, writable: true, configurable: true });
        }
    }
    return target.kaaReal = part[target.kaaName] as object;
}

/** The one handler of every stand-in. */
const handler: ProxyHandler<Target> = {
    get(target, key, receiver) {
        if (key === Symbol.hasInstance && !isLazyPartLoaded())
            return notLoadedHasInstance;
        const real = load(target);
        return Reflect.get(real, key, standInOf.get(real) === receiver ? real : receiver);
    },
    set(target, key, value, receiver) {
        const real = load(target);
        return Reflect.set(real, key, value, standInOf.get(real) === receiver ? real : receiver);
    },
    has: (target, key) => Reflect.has(load(target), key),
    deleteProperty: (target, key) => Reflect.deleteProperty(load(target), key),
    ownKeys(target) {
        const keys = Reflect.ownKeys(load(target));
        return keys.includes('prototype') ? keys : [...keys, 'prototype'];
    },
    getOwnPropertyDescriptor(target, key) {
        const desc = Reflect.getOwnPropertyDescriptor(load(target), key);
        if (key === 'prototype')   // the target's own `prototype` is writable and not configurable
            return { value: desc?.value, writable: true, enumerable: false, configurable: false };
        return desc && { ...desc, configurable: true };
    },
    getPrototypeOf(target) {
        const proto = Reflect.getPrototypeOf(load(target));
        return proto && (standInOf.get(proto) ?? proto);
    },
    apply: (target, thisArg, args) => Reflect.apply(load(target) as (...a: unknown[]) => unknown, thisArg, args),
    construct(target, args, newTarget) {
        const real = load(target) as new (...a: unknown[]) => object;
        return Reflect.construct(real, args, standInOf.get(real) === newTarget ? real : newTarget);
    },
};

function make<T>(name: string, isClass: boolean): T {
    const target = function () { /* never called: the traps forward */ } as Target;
    target.kaaName = name;
    target.kaaReal = null;
    const proxy = new Proxy(target, handler);
    made.push({ name, proxy, isClass });
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
