// Load on a listening Socket, loopback only: a burst of clients connecting
// all at once is queued by the kernel (the default backlog is the system's
// maximum) and every one of them is served; a listener that runs out of fds
// (EMFILE) reports it, backs off and accepts again once fds are free.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import { main } from '../../src/notifier/loop.js';
import { Socket } from '../../src/io/index.js';
import { report } from './helpers.js';
import { exhaustFds } from '../io/helpers.js';

const BURST = 2000;

describe('Socket under load', () => {
    it(`serves a burst of ${BURST} clients connecting at once on loopback, losing none`, () => {
        const server = new Socket();
        server.listen('127.0.0.1:0');
        const port = (server.local as { port: number }).port;
        let served = 0;
        server.signals.newClient.connect(client => {
            served++;
            client.write('hi\n');
            client.close();
        });
        let ok = 0;
        const lost: string[] = [];
        const clients: Socket[] = [];
        for (let i = 0; i < BURST; i++) {
            const client = new Socket();
            clients.push(client);
            client.connect(`127.0.0.1:${port}`).connectBoth(() => {
                client.readline().connectBoth(line => {
                    if (line === 'hi\n')
                        ok++;
                    else
                        lost.push(`client ${i} read ${JSON.stringify(line)}`);
                    client.close({ immediate: true });
                }, error => {
                    lost.push(`client ${i}: ${(error as Error).message}`);
                    client.close({ immediate: true });
                });
            }, error => void lost.push(`client ${i}: ${(error as Error).message}`));
        }
        main.loop(() => ok + lost.length < BURST, 45); // bounded: what is not served by then is lost
        report(`burst: ${BURST} clients, ${ok} served, ${lost.length} lost, ${served} accepted`);
        expect(lost.slice(0, 5)).toEqual([]);
        expect(ok).toBe(BURST);
        for (const c of clients)
            c.close({ immediate: true });
        server.close();
        main.loop(() => clients.some(c => c.alive), 5);
    }, 60000);

    it('recovers from EMFILE in accept(): 200 clients queued while the process has no fd left are all served after', () => {
        const server = new Socket();
        server.listen('127.0.0.1:0'); // nobody connected to acceptError: kaa logs the first failure, nothing is thrown
        const port = (server.local as { port: number }).port;
        const served: Socket[] = [];
        server.signals.newClient.connect(client => {
            served.push(client);
            client.write('hi\n');
        });
        const address = Gio.InetSocketAddress.new_from_string('127.0.0.1', port);
        const raws = Array.from({ length: 200 }, () => {
            const raw = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.DEFAULT);
            raw.set_blocking(false);
            return raw;
        });
        const hog = exhaustFds();
        try {
            for (const raw of raws) {
                try {
                    raw.connect(address, null);
                } catch (error) {
                    if (!(error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.PENDING)))
                        throw error;
                }
            }
            main.loop(() => true, 1); // accept() fails all along; the loop goes on
            expect(served.length).toBe(0);
            expect(server.listening).toBeTrue();
        } finally {
            hog.free();
        }
        main.loop(() => served.length < raws.length, 30);
        report(`EMFILE: ${hog.count} fds taken, ${served.length} of ${raws.length} clients served after they were freed`);
        expect(served.length).toBe(raws.length);
        for (const raw of raws)
            raw.close();
        for (const client of served)
            client.close({ immediate: true });
        server.close();
        main.loop(() => served.some(c => c.alive), 5);
    }, 60000);
});
