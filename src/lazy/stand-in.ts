/**
 * Stand-ins for the names dist/kaa.js exports before it has loaded their
 * section of the lazy part (load.ts): each is a Proxy that loads the
 * section on first real use and then forwards everything to the real class
 * or function. So `new kaa.Process(…)`, `kaa.threaded(…)`, statics, `class
 * X extends kaa.Socket`, `x instanceof kaa.IOChannel` and `p.constructor ===
 * kaa.Process` all behave as with the real binding. An `instanceof` check
 * before the section is loaded answers false without loading it: no
 * instance can exist yet (the core builds none: `signal.inprogress()` and
 * `Signals.any()/all()` load the `async` section first, src/kaa.ts).
 *
 * Start-up allocates as little as it can here (bench startup: peak RSS
 * grows in steps with what start-up allocates): one handler serves every
 * stand-in, and each stand-in is its target function, which carries its
 * name, and the Proxy.
 * @module
 */
import { isLazyPartLoaded, loadLazyPart, type LazySection } from './load.js';

/** A stand-in's target: never called (the traps forward), it only carries what the traps need. */
interface Target {
    (): void;
    /** The name in its section (src/lazy/async.ts or part.ts). */
    kaaName: string;
    /** The section of kaa-lazy.js that exports it. */
    kaaSection: LazySection;
    /** The real class or function, once loaded. */
    kaaReal: object | null;
    /** `x => x instanceof real`, made on the first `instanceof` test against the stand-in itself. */
    kaaHasInstance?: (x: unknown) => boolean;
}

/** The stand-in of each real class or function, once the part is loaded. */
const standInOf = new WeakMap<object, object>();
/** The stand-ins made so far, by name, with their section and whether each is a class. */
const made: { name: string; section: LazySection; proxy: object; isClass: boolean }[] = [];
/** The sections whose real classes point back at their stand-ins. */
const linked = new Set<LazySection>();

const notLoadedHasInstance = (): boolean => false;
const ordinaryHasInstance = Function.prototype[Symbol.hasInstance];

/** Points each real class of every section loaded so far (`io` loads `async` too) back at its stand-in, once. */
function link(): void {
    for (const section of ['async', 'io'] as const) {
        if (linked.has(section) || !isLazyPartLoaded(section))
            continue;
        linked.add(section);
        const part = loadLazyPart(section);
        for (const { name, section: of, proxy, isClass } of made) {
            if (of !== section)
                continue;
            const value = part[name] as { prototype?: object } | undefined;
            if (value === undefined)
                throw new Error(`kaa: kaa-lazy.js does not export ${name} (dist/ mixes two builds?)`);
            standInOf.set(value, proxy);
            if (isClass && value.prototype)
                Object.defineProperty(value.prototype, 'constructor', { value: proxy, writable: true, configurable: true });
        }
    }
}

/** Loads the stand-in's section; the first time, links the real classes to their stand-ins. */
function load(target: Target): object {
    if (target.kaaReal !== null)
        return target.kaaReal;
    const part = loadLazyPart(target.kaaSection);
    link();
    return target.kaaReal = part[target.kaaName] as object;
}

/** The one handler of every stand-in. */
const handler: ProxyHandler<Target> = {
    get(target, key, receiver) {
        if (key === Symbol.hasInstance) {
            if (!isLazyPartLoaded(target.kaaSection))
                return notLoadedHasInstance;
            // `x instanceof kaa.InProgress`: test against the real class at once (the
            // ordinary test would read `prototype` through this proxy again: ~20× slower).
            const real = load(target) as { [Symbol.hasInstance]: unknown };
            if (standInOf.get(real) === receiver && real[Symbol.hasInstance] === ordinaryHasInstance)
                return target.kaaHasInstance ??= (x: unknown): boolean => x instanceof (real as unknown as new () => object);
        }
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

function make<T>(section: LazySection, name: string, isClass: boolean): T {
    const target = function () { /* never called: the traps forward */ } as Target;
    target.kaaName = name;
    target.kaaSection = section;
    target.kaaReal = null;
    const proxy = new Proxy(target, handler);
    made.push({ name, section, proxy, isClass });
    return proxy as T;
}

/**
 * A stand-in for the class `name` of a section of the lazy part.
 * @param section - the section that exports it.
 * @param name - its name in src/lazy/async.ts or part.ts.
 */
export function lazyClass<T>(section: LazySection, name: string): T {
    return make<T>(section, name, true);
}

/**
 * A stand-in for the function `name` of a section of the lazy part.
 * @param section - the section that exports it.
 * @param name - its name in src/lazy/async.ts or part.ts.
 */
export function lazyFunction<T>(section: LazySection, name: string): T {
    return make<T>(section, name, false);
}
