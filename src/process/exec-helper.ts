/**
 * The exec helper: a 385-byte x86-64 Linux program that kaa writes out once
 * per process and starts every child through, so that a spawn is both fast
 * and leaks no file descriptor.
 *
 * Why (GLib 2.74 to 2.86, `glib/gspawn.c` `fork_exec()`): GLib spawns with
 * `posix_spawn()` (a vfork: nothing of the parent is copied) only when it
 * need not close the parent's descriptors in the child
 * (`G_SPAWN_LEAVE_DESCRIPTORS_OPEN`, `Gio.SubprocessFlags.INHERIT_FDS`), no
 * `child_setup` runs and no working directory is set. Otherwise it
 * `fork()`s the whole gjs process — page tables and copy-on-write faults
 * for every page the parent touches next — and spawning runs at about half
 * the rate. But with descriptors left open, every fd without `FD_CLOEXEC`
 * reaches the child, and on GLib 2.74 that is common: a `Gio.File.read()`
 * stream, a `GLib.IOChannel.new_file()`, the parent ends of a
 * `GLib.spawn_async_with_pipes()` without `CLOEXEC_PIPES`, and whatever the
 * gjs process inherited. GJS cannot set the flag (no `fcntl()`), and
 * scanning `/proc/self/fdinfo` costs ~20 µs per open fd per spawn.
 *
 * So the child closes them itself, before it runs anything: `posix_spawn()`
 * starts this helper with the three pipes as 0–2, and the helper, in the
 * child's own process,
 * 1. closes every fd from `lowfd` up (`close_range()`; on a kernel without
 *    it, `close()` on each up to the `RLIMIT_NOFILE` soft limit, at most
 *    65536),
 * 2. resets SIGPIPE to its default (kaa ignores it; GLib's fork path resets
 *    it, its `posix_spawn()` path does not),
 * 3. calls `setsid()` when asked: the child leads a new session and process
 *    group without the extra exec of util-linux's `setsid` (which costs as
 *    much as the spawn itself),
 * 4. `chdir()`s when asked (a working directory would force GLib's fork),
 * 5. `execve()`s the program (an absolute path, resolved by the caller) with
 *    its argv and the environment GLib gave it — a file without a `#!` line
 *    (ENOEXEC) with `/bin/sh PATH ARGS…`, as GLib does; if `chdir()` or
 *    `execve()` fails it exits with 127. The pid stays the program's.
 *
 * Its argv: `[helper, MODE, (CWD,) PATH, ARGV0, ARGS…]`, where MODE is three
 * characters: `lowfd + '0'`, `'s'` (setsid) or `'-'`, `'c'` (chdir to CWD)
 * or `'-'`.
 *
 * Where it lives: it is written (mode 0700) into a fresh private directory
 * made by `GLib.dir_make_tmp()`, opened read-only, and both are removed at
 * once; the open descriptor (close-on-exec) is what is executed, as
 * `/proc/self/fd/N` — the path is resolved in the vforked child before its
 * exec closes that fd (as glibc's `fexecve()` does). Nothing stays on disk,
 * also when the process is killed. It is used only where it can work: the
 * gjs binary is x86-64 (`/proc/self/exe`'s ELF header) and `/proc` is
 * mounted; a spawn of the helper that fails (a `noexec` temp directory, a
 * sandbox without `/proc`) turns it off for the process, and the caller
 * falls back to GLib's fork path, where GLib closes the descriptors.
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { logException } from '../notifier/log.js';

/*
 * The machine code (GNU as, Intel syntax; assembled and checked with
 * `objdump -d`):
 *
 *   _start: mov rbx, [rsp+16]          ; argv[1]: MODE
 *           lea r14, [rsp+24]          ; &argv[2]
 *           movzx r12d, byte [rbx]
 *           sub r12d, 48               ; lowfd
 *           mov edi, r12d
 *           mov esi, -1
 *           xor edx, edx
 *           mov eax, 436               ; close_range(lowfd, ~0U, 0)
 *           syscall
 *           test rax, rax
 *           jz 2f
 *           lea r10, [rsp-16]
 *           xor edi, edi
 *           mov esi, 7                 ; RLIMIT_NOFILE
 *           xor edx, edx
 *           mov eax, 302               ; prlimit64(0, RLIMIT_NOFILE, NULL, r10)
 *           syscall
 *           mov r13d, 65536
 *           test rax, rax
 *           jnz 1f
 *           mov rax, [rsp-16]
 *           cmp rax, r13
 *           jae 1f
 *           mov r13, rax               ; min(soft limit, 65536)
 *   1:      mov edi, r12d
 *   3:      cmp edi, r13d
 *           jae 2f
 *           mov eax, 3                 ; close(fd)
 *           syscall
 *           inc edi
 *           jmp 3b
 *   2:      xor eax, eax               ; struct sigaction {SIG_DFL, 0, 0, {}}
 *           mov [rsp-64], rax
 *           mov [rsp-56], rax
 *           mov [rsp-48], rax
 *           mov [rsp-40], rax
 *           mov edi, 13                ; SIGPIPE
 *           lea rsi, [rsp-64]
 *           xor edx, edx
 *           mov r10d, 8
 *           mov eax, 13                ; rt_sigaction(SIGPIPE, &dfl, NULL, 8)
 *           syscall
 *           cmp byte [rbx+1], 's'
 *           jne 4f
 *           mov eax, 112               ; setsid()
 *           syscall
 *   4:      cmp byte [rbx+2], 'c'
 *           jne 5f
 *           mov rdi, [r14]
 *           mov eax, 80                ; chdir(CWD)
 *           syscall
 *           test rax, rax
 *           jnz 6f
 *           add r14, 8
 *   5:      mov rdi, [r14]             ; PATH
 *           lea rsi, [r14+8]           ; ARGV0, ARGS…, NULL
 *           mov rax, [rsp]             ; argc
 *           lea rdx, [rsp+rax*8+16]    ; envp
 *           mov eax, 59                ; execve(PATH, argv, envp)
 *           syscall
 *           cmp rax, -8                ; ENOEXEC: no #! line; run it with /bin/sh, as GLib does
 *           jne 6f
 *           mov rax, [r14]
 *           mov [r14+8], rax           ; argv: /bin/sh PATH ARGS… (over ARGV0)
 *           lea rdi, [rip+7f]
 *           mov [r14], rdi
 *           mov rsi, r14
 *           mov eax, 59                ; execve("/bin/sh", argv, envp)
 *           syscall
 *   6:      mov edi, 127
 *           mov eax, 231               ; exit_group(127)
 *           syscall
 *   7:      .asciz "/bin/sh"
 */
const CODE =
    '488b5c24104c8d742418440fb6234183ec304489e7beffffffff31d2b8b40100000f054885c074404c8d5424f031ffbe0700000031d2' +
    'b82e0100000f0541bd000001004885c0750d488b4424f04c39e873034989c54489e74439ef730bb8030000000f05ffc7ebf031c04889' +
    '4424c048894424c848894424d048894424d8bf0d000000488d7424c031d241ba08000000b80d0000000f05807b01737507b870000000' +
    '0f05807b02637513498b3eb8500000000f054885c0753c4983c608498b3e498d7608488b0424488d54c410b83b0000000f054883f8f8' +
    '751b498b0649894608488d3d1900000049893e4c89f6b83b0000000f05bf7f000000b8e70000000f052f62696e2f736800';

const BASE = 0x400000;
const EHDR = 64;
const PHDR = 56;
const EM_X86_64 = 62;

/** A minimal static ELF64 executable: the header, one read+execute PT_LOAD of the whole file, then the code. */
function buildElf(): Uint8Array {
    const code = Uint8Array.from(CODE.match(/../g) ?? [], h => parseInt(h, 16));
    const size = EHDR + PHDR + code.length;
    const out = new Uint8Array(size);
    const v = new DataView(out.buffer);
    out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // ELF, 64-bit, little-endian, version 1, System V
    v.setUint16(16, 2, true);               // e_type: ET_EXEC
    v.setUint16(18, EM_X86_64, true);       // e_machine
    v.setUint32(20, 1, true);               // e_version
    v.setBigUint64(24, BigInt(BASE + EHDR + PHDR), true); // e_entry
    v.setBigUint64(32, BigInt(EHDR), true); // e_phoff
    v.setUint16(52, EHDR, true);            // e_ehsize
    v.setUint16(54, PHDR, true);            // e_phentsize
    v.setUint16(56, 1, true);               // e_phnum
    v.setUint32(EHDR, 1, true);             // p_type: PT_LOAD
    v.setUint32(EHDR + 4, 5, true);         // p_flags: R + X
    v.setBigUint64(EHDR + 16, BigInt(BASE), true); // p_vaddr
    v.setBigUint64(EHDR + 24, BigInt(BASE), true); // p_paddr
    v.setBigUint64(EHDR + 32, BigInt(size), true); // p_filesz
    v.setBigUint64(EHDR + 40, BigInt(size), true); // p_memsz
    v.setBigUint64(EHDR + 48, 0x1000n, true);      // p_align
    out.set(code, EHDR + PHDR);
    return out;
}

/** Whether this gjs is an x86-64 ELF program (the helper's machine), from the first bytes of `/proc/self/exe`. */
function runsOnX8664(): boolean {
    const stream = Gio.File.new_for_path('/proc/self/exe').read(null);
    try {
        const head = stream.read_bytes(20, null).toArray();
        return head.length === 20 && head[0] === 0x7f && head[1] === 0x45 && head[4] === 2 && head[5] === 1 &&
            (head[18] | (head[19] << 8)) === EM_X86_64;
    } finally {
        stream.close(null);
    }
}

/** undefined: not tried yet; null: not usable here. */
let helperPath: string | null | undefined;
/** Holds the helper's descriptor (close-on-exec) for the life of the process. */
let helperFds: Gio.UnixFDList | null = null;
/** What `/proc/self/fd/N` points to while N is still the helper (`…/helper (deleted)`). */
let helperTarget = '';

/** Writes the helper out and opens it; returns its `/proc/self/fd/N` path. */
function install(): string | null {
    if (!runsOnX8664() || !GLib.file_test('/proc/self/fd', GLib.FileTest.IS_DIR))
        return null;
    const dir = GLib.dir_make_tmp('kaa-exec-XXXXXX');
    const file = GLib.build_filenamev([dir, 'helper']);
    try {
        GLib.file_set_contents_full(file, buildElf(), GLib.FileSetContentsFlags.NONE, 0o700);
        const channel = GLib.IOChannel.new_file(file, 'r');
        const list = new Gio.UnixFDList();
        try {
            list.append(channel.unix_get_fd()); // a close-on-exec duplicate
        } finally {
            channel.shutdown(false);
        }
        helperFds = list;
        const path = `/proc/self/fd/${list.peek_fds()[0]}`;
        GLib.unlink(file);
        helperTarget = GLib.file_read_link(path);
        return path;
    } finally {
        GLib.unlink(file); // (already gone on success)
        GLib.rmdir(dir);
    }
}

/**
 * The path to execute the helper by, made on first use; null where it cannot
 * be used (not x86-64, no `/proc`, no writable temp directory, or turned off
 * by {@link disableExecHelper}).
 * @returns `/proc/self/fd/N`, or null.
 * @example
 * const helper = execHelper();
 */
export function execHelper(): string | null {
    if (helperPath === undefined) {
        try {
            helperPath = install();
        } catch (error) {
            logException(error, 'the exec helper cannot be installed; children are spawned with fork()');
            helperPath = null;
        }
    } else if (helperPath !== null && !stillOpen(helperPath)) {
        helperFds?.steal_fds(); // not ours any more: never closed here
        disableExecHelper(new Error(`its descriptor ${helperPath} was closed or replaced by someone else`));
    }
    return helperPath;
}

/** Whether the helper's fd still is the helper (code that closes fds it does not own could close it; one readlink). */
function stillOpen(path: string): boolean {
    try {
        return GLib.file_read_link(path) === helperTarget;
    } catch {
        return false;
    }
}

/**
 * Turns the helper off for the rest of the process: a spawn of it failed
 * (so no child ran), and every later spawn takes GLib's fork path.
 * @param error - why, for the log.
 * @example
 * disableExecHelper(error);
 */
export function disableExecHelper(error: unknown): void {
    if (helperPath === null)
        return;
    logException(error, 'the exec helper cannot be run here; children are spawned with fork() from now on');
    helperPath = null;
    const fds = helperFds?.steal_fds() ?? [];
    helperFds = null;
    for (const fd of fds) {
        try {
            GLib.close(fd);
        } catch {
            // closed already
        }
    }
}

/** What the helper does before it runs the program. */
export interface HelperOptions {
    /** The first descriptor it closes (every one from there up). @default 3 */
    readonly lowfd?: number;
    /** Start a new session (and process group). */
    readonly setsid: boolean;
    /** The working directory, or null for the parent's. */
    readonly cwd: string | null;
}

/**
 * The argv that runs `argv` through the helper.
 * @param helper - {@link execHelper}'s path.
 * @param path - the program's absolute path (or one relative to `cwd`).
 * @param argv - the program's argv (argv[0] as the user wrote it).
 * @param options - `{lowfd = 3, setsid, cwd}`.
 * @returns the helper's argv.
 * @throws RangeError for a `lowfd` outside 3–78.
 * @example
 * helperArgv(helper, '/bin/sleep', ['sleep', '1'], { setsid: true, cwd: null });
 */
export function helperArgv(helper: string, path: string, argv: readonly string[], options: HelperOptions): string[] {
    const lowfd = options.lowfd ?? 3;
    if (!Number.isInteger(lowfd) || lowfd < 3 || lowfd > 78)
        throw new RangeError(`helperArgv(): \`lowfd\` must be an integer from 3 to 78 (got ${lowfd})`);
    const mode = String.fromCharCode(48 + lowfd) + (options.setsid ? 's' : '-') + (options.cwd !== null ? 'c' : '-');
    return options.cwd !== null ? [helper, mode, options.cwd, path, ...argv] : [helper, mode, path, ...argv];
}
